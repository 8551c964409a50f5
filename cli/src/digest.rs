//! HTTP Digest sign-in (RFC 7616), the answer to one challenge: some EST servers (libest in
//! its digest mode, network appliances' EST) take a user name and password only this way.
//! Algorithms MD5 and SHA-256 and their `-sess` forms, `qop=auth` (or none, RFC 2069's form);
//! `auth-int` and `userhash` are not offered by the servers this is for and are not spoken.

use md5::Md5;
use sha2::{Digest, Sha256};

/// One `Digest` challenge's parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: String,
    /// `qop` offered `auth`.
    auth: bool,
    /// A `qop` was offered at all (none of which is `auth`: only `auth-int`).
    qop_offered: bool,
}

/// The `Authorization` header answering the best `Digest` challenge among `www_authenticate`
/// (SHA-256 before MD5), for `method` on `uri` (the request target: path and query), or `None`
/// when there is no challenge this can answer. `cnonce` is the client's nonce (random).
pub fn authorization(
    www_authenticate: &[String],
    user: &str,
    password: &str,
    method: &str,
    uri: &str,
    cnonce: &str,
) -> Option<String> {
    let challenges: Vec<(Challenge, Hash)> = www_authenticate
        .iter()
        .flat_map(|h| parse(h))
        .filter(|c| c.auth || !c.qop_offered)
        .filter_map(|c| hash_of(&c.algorithm).map(|h| (c, h)))
        .collect();
    let rank = |c: &Challenge| c.algorithm.to_ascii_uppercase().starts_with("SHA-256");
    let (chosen, h) = challenges
        .iter()
        .find(|(c, _)| rank(c))
        .or_else(|| challenges.first())?;
    Some(answer(chosen, *h, user, password, method, uri, cnonce))
}

/// `H(data)` in lower-case hex for the challenge's algorithm.
type Hash = fn(&str) -> String;

fn hash_of(algorithm: &str) -> Option<Hash> {
    let a = algorithm.to_ascii_uppercase();
    match a.strip_suffix("-SESS").unwrap_or(&a) {
        "MD5" => Some(|s| hex(&Md5::digest(s.as_bytes()))),
        "SHA-256" => Some(|s| hex(&Sha256::digest(s.as_bytes()))),
        _ => None,
    }
}

fn answer(
    c: &Challenge,
    h: Hash,
    user: &str,
    password: &str,
    method: &str,
    uri: &str,
    cnonce: &str,
) -> String {
    let mut ha1 = h(&format!("{user}:{}:{password}", c.realm));
    if c.algorithm.to_ascii_uppercase().ends_with("-SESS") {
        ha1 = h(&format!("{ha1}:{}:{cnonce}", c.nonce));
    }
    let ha2 = h(&format!("{method}:{uri}"));
    const NC: &str = "00000001";
    let response = if c.auth {
        h(&format!("{ha1}:{}:{NC}:{cnonce}:auth:{ha2}", c.nonce))
    } else {
        h(&format!("{ha1}:{}:{ha2}", c.nonce))
    };
    let mut out = format!(
        "Digest username=\"{}\", realm=\"{}\", uri=\"{}\", algorithm={}, nonce=\"{}\"",
        quoted(user),
        quoted(&c.realm),
        quoted(uri),
        c.algorithm,
        quoted(&c.nonce)
    );
    if c.auth {
        out.push_str(&format!(
            ", nc={NC}, cnonce=\"{}\", qop=auth",
            quoted(cnonce)
        ));
    }
    out.push_str(&format!(", response=\"{response}\""));
    if let Some(opaque) = &c.opaque {
        out.push_str(&format!(", opaque=\"{}\"", quoted(opaque)));
    }
    out
}

/// A quoted-string's content: `"` and `\` escaped.
fn quoted(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Lower-case hex, as Digest writes hashes (and a client nonce).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Digest` challenges in one `WWW-Authenticate` header, which may hold several
/// challenges of any scheme (RFC 7235: `Negotiate, Digest realm="a", nonce="b"`): each a
/// scheme token, then `name = value` parameters (values quoted or tokens) separated by commas.
fn parse(header: &str) -> Vec<Challenge> {
    let mut found = Vec::new();
    let mut current: Option<(Challenge, Option<String>)> = None;
    let mut chars = header.chars().peekable();
    let finish = |c: Option<(Challenge, Option<String>)>, found: &mut Vec<Challenge>| {
        if let Some((mut c, Some(nonce))) = c {
            c.nonce = nonce;
            found.push(c);
        }
    };
    loop {
        while chars
            .peek()
            .is_some_and(|c| *c == ',' || c.is_ascii_whitespace())
        {
            chars.next();
        }
        let mut word = String::new();
        while let Some(&ch) = chars.peek() {
            if ch == '=' || ch == ',' || ch.is_ascii_whitespace() {
                break;
            }
            word.push(ch);
            chars.next();
        }
        if word.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        if chars.peek() != Some(&'=') {
            // a scheme: the challenge before it ends here
            finish(current.take(), &mut found);
            current = word.eq_ignore_ascii_case("digest").then(|| {
                let c = Challenge {
                    algorithm: "MD5".into(),
                    ..Challenge::default()
                };
                (c, None)
            });
            continue;
        }
        chars.next();
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let value = if chars.peek() == Some(&'"') {
            chars.next();
            let mut v = String::new();
            while let Some(ch) = chars.next() {
                match ch {
                    '\\' => v.extend(chars.next()),
                    '"' => break,
                    other => v.push(other),
                }
            }
            v
        } else {
            let mut v = String::new();
            while let Some(&ch) = chars.peek() {
                if ch == ',' {
                    break;
                }
                v.push(ch);
                chars.next();
            }
            v.trim().to_owned()
        };
        let Some((c, nonce)) = current.as_mut() else {
            continue;
        };
        match word.to_ascii_lowercase().as_str() {
            "realm" => c.realm = value,
            "nonce" => *nonce = Some(value),
            "opaque" => c.opaque = Some(value),
            "algorithm" => c.algorithm = value,
            "qop" => {
                c.qop_offered = true;
                c.auth = value
                    .split(',')
                    .any(|q| q.trim().eq_ignore_ascii_case("auth"));
            }
            _ => {}
        }
    }
    finish(current, &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5.
    const CHALLENGES: [&str; 2] = [
        "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, \
         nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
         opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
        "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, \
         nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
         opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
    ];
    const CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    fn response_of(header: &str) -> &str {
        let at = header.find("response=\"").expect("a response") + 10;
        &header[at..at + header[at..].find('"').expect("closed")]
    }

    fn answer_to(challenges: &[&str]) -> Option<String> {
        let headers: Vec<String> = challenges.iter().map(|s| s.to_string()).collect();
        authorization(
            &headers,
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            CNONCE,
        )
    }

    #[test]
    fn the_rfc_7616_examples_are_answered_as_the_rfc_answers_them() {
        // both offered: SHA-256 is taken
        let sha = answer_to(&CHALLENGES).unwrap();
        assert_eq!(
            response_of(&sha),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        assert!(sha.contains("algorithm=SHA-256") && sha.contains("qop=auth,"));
        assert!(sha.contains("nc=00000001") && sha.contains(&format!("cnonce=\"{CNONCE}\"")));
        assert!(sha.contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""));
        assert!(sha.contains("uri=\"/dir/index.html\"") && sha.contains("username=\"Mufasa\""));
        let md5 = answer_to(&CHALLENGES[1..]).unwrap();
        assert_eq!(response_of(&md5), "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn a_challenge_among_others_in_one_header_and_spaces_around_equals_are_read() {
        let combined = format!("Negotiate, Basic realm=\"b\", {}", CHALLENGES[1]);
        let md5 = answer_to(&[&combined]).unwrap();
        assert_eq!(response_of(&md5), "8ca523f5e9506fed4657c9700eebdbec");
        let spaced = CHALLENGES[1]
            .replace("realm=", "realm = ")
            .replace("nonce=", "nonce= ")
            .replace("algorithm=MD5", "algorithm =MD5");
        let md5 = answer_to(&[&spaced]).unwrap();
        assert_eq!(response_of(&md5), "8ca523f5e9506fed4657c9700eebdbec");
        // and a Digest challenge followed by another scheme's
        let then_basic = format!("{}, Basic realm=\"b\"", CHALLENGES[1]);
        let md5 = answer_to(&[&then_basic]).unwrap();
        assert_eq!(response_of(&md5), "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn other_schemes_and_unknown_algorithms_are_not_answered() {
        assert_eq!(answer_to(&["Basic realm=\"x\""]), None);
        assert_eq!(answer_to(&["Digest realm=\"x\""]), None, "no nonce");
        assert_eq!(
            answer_to(&["Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"]),
            None
        );
        assert_eq!(
            answer_to(&["Digest realm=\"x\", nonce=\"n\", qop=\"auth-int\""]),
            None,
            "only auth-int offered"
        );
    }

    #[test]
    fn a_challenge_without_qop_gets_rfc_2069s_answer() {
        // RFC 2069's example (the response as its errata gives it): H(HA1:nonce:HA2), with no
        // nc, cnonce or qop; and RFC 2617's example of the same with qop=auth
        let headers = |h: &str| vec![h.to_owned()];
        let challenge = "Digest realm=\"testrealm@host.com\", \
                         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"";
        let plain = authorization(
            &headers(challenge),
            "Mufasa",
            "CircleOfLife",
            "GET",
            "/dir/index.html",
            "0a4f113b",
        )
        .unwrap();
        assert_eq!(response_of(&plain), "1949323746fe6a43ef61f9606e7febea");
        assert!(!plain.contains("qop") && !plain.contains("cnonce"));
        let with_qop = authorization(
            &headers(&format!("{challenge}, qop=\"auth\"")),
            "Mufasa",
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            "0a4f113b",
        )
        .unwrap();
        assert_eq!(response_of(&with_qop), "6629fae49393a05397450978507c4ef1");
    }
}
