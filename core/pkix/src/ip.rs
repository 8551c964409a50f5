//! IP addresses written as text, read exactly as the standard library reads them
//! (`core::net::IpAddr`'s `FromStr`): dotted decimal IPv4 (four parts of one to three digits, at
//! most 255, no leading zero), or IPv6 (up to eight groups of one to four hex digits, one `::`
//! for a run of zero groups, and the last 32 bits optionally in dotted decimal). Nothing else:
//! no blanks, no zone index, no prefix length.
//!
//! Ours because every browser module reads `IPAddress=` names: the standard parser is about
//! 3 KB of each module's code (0.8 KiB gzipped in the embedding module), this a fraction of it.
//! A test holds it to the standard library's answer on every text of a generated corpus.

/// An address: IPv4's 4 bytes or IPv6's 16, in network order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ip {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Ip {
    /// The address's bytes, as an `iPAddress` general name holds them.
    pub fn octets(&self) -> &[u8] {
        match self {
            Ip::V4(b) => b,
            Ip::V6(b) => b,
        }
    }
}

/// Reads `text` as an IPv4 or IPv6 address; `None` unless all of it is one.
pub fn parse(text: &str) -> Option<Ip> {
    let mut r = Reader {
        s: text.as_bytes(),
        at: 0,
    };
    // an IPv4 address that leaves text unread is not tried as IPv6 (no IPv6 address starts
    // with a whole IPv4 one)
    let ip = match r.attempt(Reader::ipv4) {
        Some(v4) => Ip::V4(v4),
        None => Ip::V6(r.attempt(Reader::ipv6)?),
    };
    (r.at == r.s.len()).then_some(ip)
}

struct Reader<'a> {
    s: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    /// Runs `read`; where it fails, nothing is consumed.
    fn attempt<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.at;
        let out = read(self);
        if out.is_none() {
            self.at = start;
        }
        out
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.s.get(self.at) == Some(&c)).then(|| self.at += 1)
    }

    /// All the digits in `radix` that follow: `None` for none, more than `max_digits` of them,
    /// a value over `max`, or (unless `zero_prefix`) a leading zero on more than one digit.
    fn number(
        &mut self,
        radix: u32,
        max_digits: usize,
        max: u32,
        zero_prefix: bool,
    ) -> Option<u32> {
        let start = self.at;
        let mut value: u32 = 0;
        while let Some(d) = self
            .s
            .get(self.at)
            .and_then(|&c| (c as char).to_digit(radix))
        {
            self.at += 1;
            if self.at - start > max_digits {
                return None;
            }
            value = value * radix + d;
        }
        let digits = self.at - start;
        let leading_zero = digits > 1 && self.s[start] == b'0';
        (digits > 0 && value <= max && (zero_prefix || !leading_zero)).then_some(value)
    }

    fn ipv4(&mut self) -> Option<[u8; 4]> {
        let mut out = [0u8; 4];
        for (i, byte) in out.iter_mut().enumerate() {
            if i > 0 {
                self.eat(b'.')?;
            }
            *byte = self.number(10, 3, 255, false)? as u8;
        }
        Some(out)
    }

    /// Up to `groups.len()` groups, each after a `:` but the first; the last two may be an
    /// IPv4 address. How many were read, and whether they ended with an IPv4 address.
    fn groups(&mut self, groups: &mut [u16]) -> (usize, bool) {
        let limit = groups.len();
        for i in 0..limit {
            if i + 1 < limit {
                let v4 = self.attempt(|r| {
                    if i > 0 {
                        r.eat(b':')?;
                    }
                    r.ipv4()
                });
                if let Some([a, b, c, d]) = v4 {
                    groups[i] = u16::from_be_bytes([a, b]);
                    groups[i + 1] = u16::from_be_bytes([c, d]);
                    return (i + 2, true);
                }
            }
            let group = self.attempt(|r| {
                if i > 0 {
                    r.eat(b':')?;
                }
                r.number(16, 4, 0xffff, true)
            });
            match group {
                Some(g) => groups[i] = g as u16,
                None => return (i, false),
            }
        }
        (limit, false)
    }

    fn ipv6(&mut self) -> Option<[u8; 16]> {
        let mut words = [0u16; 8];
        let (head, ended_v4) = self.groups(&mut words);
        if head < 8 {
            // an IPv4 part ends the address, and fewer than eight groups need a `::`
            if ended_v4 {
                return None;
            }
            self.eat(b':')?;
            self.eat(b':')?;
            // `::` stands for at least one zero group
            let mut tail = [0u16; 7];
            let room = 7 - head;
            let (n, _) = self.groups(&mut tail[..room]);
            words[8 - n..].copy_from_slice(&tail[..n]);
        }
        let mut out = [0u8; 16];
        for (pair, w) in out.chunks_exact_mut(2).zip(words) {
            pair.copy_from_slice(&w.to_be_bytes());
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use certreq_testsupport::Rng;
    use core::net::IpAddr;

    fn std_reads(text: &str) -> Option<Ip> {
        match text.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => Some(Ip::V4(a.octets())),
            IpAddr::V6(a) => Some(Ip::V6(a.octets())),
        }
    }

    #[test]
    fn reads_what_people_write() {
        assert_eq!(parse("192.0.2.10"), Some(Ip::V4([192, 0, 2, 10])));
        let mut loopback = [0u8; 16];
        loopback[15] = 1;
        assert_eq!(parse("::1"), Some(Ip::V6(loopback)));
        let mapped = parse("::ffff:192.0.2.1").unwrap();
        assert_eq!(mapped.octets()[10..], [0xff, 0xff, 192, 0, 2, 1]);
        for bad in [
            "",
            "1.2.3",
            "01.2.3.4",
            "256.0.0.1",
            " 1.2.3.4",
            "1::2::3",
            "fe80::1%eth0",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_text_reads_as_the_standard_library_reads_it() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut accepted = 0;
        // text near the grammar: pieces of addresses glued at random
        const PIECES: [&str; 24] = [
            "0", "1", "00", "01", "9", "25", "255", "256", "999", "1000", "f", "ff", "fff", "ffff",
            "FfFf", "10000", "g", ":", ":", "::", ".", ".", " ", "%",
        ];
        for _ in 0..400_000 {
            let mut text = String::new();
            for _ in 0..rng.below(18) {
                text.push_str(PIECES[rng.below(PIECES.len())]);
            }
            let want = std_reads(&text);
            accepted += usize::from(want.is_some());
            assert_eq!(parse(&text), want, "{text:?}");
        }
        // and well-formed addresses, with `::` at every place and an IPv4 tail
        for _ in 0..100_000 {
            let groups: Vec<String> = (0..8)
                .map(|_| format!("{:x}", rng.next() as u16 >> (4 * rng.below(4))))
                .collect();
            let gap = rng.below(9);
            let len = rng.below(9 - gap);
            let mut text = groups[..gap].join(":");
            if len > 0 || rng.below(2) == 0 {
                text.push_str("::");
                text.push_str(&groups[gap + len..].join(":"));
            }
            if rng.below(3) == 0 {
                text.push_str(&format!(
                    ":{}.{}.{}.{}",
                    rng.below(300),
                    1,
                    2,
                    rng.below(260)
                ));
            }
            let want = std_reads(&text);
            accepted += usize::from(want.is_some());
            assert_eq!(parse(&text), want, "{text:?}");
        }
        // numbers (some with leading zeros, some empty) joined by `.`, `:` and `::`, so dotted
        // parts meet groups at every place
        for _ in 0..300_000 {
            let mut text = String::new();
            if rng.below(8) == 0 {
                text.push_str("::");
            }
            for i in 0..1 + rng.below(10) {
                if i > 0 {
                    text.push_str([".", ".", ":", "::"][rng.below(4)]);
                }
                match rng.below(10) {
                    0 => {}
                    1 => text.push_str(&format!("0{}", rng.below(300))),
                    2..=5 => text.push_str(&rng.below(300).to_string()),
                    _ => text.push_str(&format!("{:x}", rng.next() as u16 >> (4 * rng.below(4)))),
                }
            }
            if rng.below(8) == 0 {
                text.push_str("::");
            }
            let want = std_reads(&text);
            accepted += usize::from(want.is_some());
            assert_eq!(parse(&text), want, "{text:?}");
        }
        // the corpus must reach both answers often, or it tests little
        assert!(accepted > 50_000, "only {accepted} texts were addresses");
    }
}
