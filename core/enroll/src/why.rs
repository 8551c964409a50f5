//! Why the CA said no: every disposition, HRESULT and EST status that AD CS Web Enrollment and
//! EST servers answer with, what it means and what to do about it. This is the one table; the
//! command line prints from it and the web app shows it (through the tools module's
//! `OP_EXPLAIN`).
//!
//! The `message` of each HRESULT is Microsoft's own text (the "COM Error Codes (Security and
//! Setup)" page, or the Win32 message certutil prints), so that a user can match it with what
//! the CA's page says; `meaning` and `action` are ours. A code is found in the CA's words by
//! its `0x…` form, its signed decimal form (`-2146877436`) or its symbol
//! (`CERTSRV_E_PROPERTY_EMPTY`): [`find_in`].

/// One HRESULT a CA answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hresult {
    pub code: u32,
    /// `CERTSRV_E_PROPERTY_EMPTY`, `E_ACCESSDENIED`, …
    pub symbol: &'static str,
    /// Microsoft's message for the code, as the CA's pages and certreq print it.
    pub message: &'static str,
    /// What it means, in a sentence.
    pub meaning: &'static str,
    /// What to do about it.
    pub action: &'static str,
}

impl Hresult {
    /// The code as a signed 32-bit number, the form AD CS prints in brackets.
    pub fn decimal(&self) -> i32 {
        i32::from_be_bytes(self.code.to_be_bytes())
    }

    /// `0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)`, or for a Win32 code
    /// `0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)`: the form of AD CS's status lines.
    pub fn status_line(&self) -> String {
        match win32(self.code) {
            Some((n, name)) => format!("0x{:08x} (WIN32: {n} {name})", self.code),
            None => format!("0x{:08x} ({} {})", self.code, self.decimal(), self.symbol),
        }
    }
}

/// The Win32 error of a `FACILITY_WIN32` HRESULT (0x8007xxxx) that the table knows.
fn win32(code: u32) -> Option<(u32, &'static str)> {
    if code >> 16 != 0x8007 {
        return None;
    }
    let n = code & 0xffff;
    let name = match n {
        2 => "ERROR_FILE_NOT_FOUND",
        5 => "ERROR_ACCESS_DENIED",
        13 => "ERROR_INVALID_DATA",
        87 => "ERROR_INVALID_PARAMETER",
        _ => return None,
    };
    Some((n, name))
}

macro_rules! hresults {
    ($( $code:literal $symbol:literal $message:literal => $meaning:literal, $action:literal; )*) => {
        /// Every HRESULT this client explains, by code.
        pub static HRESULTS: &[Hresult] = &[
            $( Hresult { code: $code, symbol: $symbol, message: $message, meaning: $meaning, action: $action }, )*
        ];
    };
}

hresults! {
    0x8009_4001 "CERTSRV_E_BAD_REQUESTSUBJECT" "The request subject name is invalid or too long."
        => "The CA refused the subject name of the request (its form, its characters or its length).",
           "Shorten the Subject or fix its characters, make a new request and submit it again.";
    0x8009_4002 "CERTSRV_E_NO_REQUEST" "The request does not exist."
        => "The CA has no request with this id for this operation.",
           "Check the request id and that -config names the CA that gave it.";
    0x8009_4003 "CERTSRV_E_BAD_REQUESTSTATUS" "The request's current status does not allow this operation."
        => "The request is in a state that does not allow this (it was already issued or denied, for instance).",
           "Retrieve the request to see its state; submit a new request when it was refused.";
    0x8009_4004 "CERTSRV_E_PROPERTY_EMPTY" "The requested property value is empty."
        => "The CA knows no request with this id: what is asked for does not exist.",
           "Check the request id (certreq printed it as RequestId) and that -config names the CA that gave it.";
    0x8009_4009 "CERTSRV_E_RESTRICTEDOFFICER" "The operation is denied. It can only be performed by a certificate manager that is allowed to manage certificates for the current requester."
        => "The CA restricts its certificate managers, and this one may not act for this requester.",
           "Ask a certificate manager who may manage this requester's certificates.";
    0x8009_400E "CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE" "The request contains an invalid renewal certificate attribute."
        => "A renewal request names a certificate to renew that it does not carry, or carries one that does not match.",
           "Build the renewal again from the certificate being renewed (RenewalCert).";
    0x8009_4011 "CERTSRV_E_ENROLL_DENIED" "The permissions on this certification authority do not allow the current user to enroll for certificates."
        => "You may not request certificates from this CA at all.",
           "Ask the CA's administrator for the Request Certificates permission on the CA.";
    0x8009_4012 "CERTSRV_E_TEMPLATE_DENIED" "The permissions on the certificate template do not allow the current user to enroll for this type of certificate."
        => "The template exists, but you may not enroll for it.",
           "Ask the administrator for Enroll permission on the template, or choose a template you may use (certreq -templates lists them).";
    0x8009_4014 "CERTSRV_E_ADMIN_DENIED_REQUEST" "The request was denied by a certificate manager or CA administrator."
        => "The request was held for approval and a person denied it.",
           "Ask the CA's manager why; make and submit a new request once the reason is dealt with.";
    0x8009_4800 "CERTSRV_E_UNSUPPORTED_CERT_TYPE" "The requested certificate template is not supported by this CA."
        => "This CA does not issue the template the request names (it is misspelt, or not published on this CA).",
           "Name a template the CA offers (certreq -templates lists them) with -attrib CertificateTemplate:NAME.";
    0x8009_4801 "CERTSRV_E_NO_CERT_TYPE" "The request contains no certificate template information."
        => "An enterprise CA issues by template, and the request names none.",
           "Add -attrib CertificateTemplate:NAME (or CertificateTemplate in [RequestAttributes]).";
    0x8009_4802 "CERTSRV_E_TEMPLATE_CONFLICT" "The request contains conflicting template information."
        => "The request names one template in its template extension and another as an attribute.",
           "Name the template once: drop the extension or the attribute.";
    0x8009_4803 "CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED" "The request is missing a required Subject Alternate name extension."
        => "The template takes the subject alternative name from the request, and the request has none.",
           "Add the names in [Extensions] (2.5.29.17 = \"{text}dns=…\") and make the request again.";
    0x8009_4804 "CERTSRV_E_ARCHIVED_KEY_REQUIRED" "The request is missing a required private key for archival by the server."
        => "The template makes the CA keep a copy of the private key, and the request does not carry it.",
           "Make a CMC request with the key encrypted to the CA (PrivateKeyArchive = TRUE), or use a template without key archival.";
    0x8009_4805 "CERTSRV_E_SMIME_REQUIRED" "The request is missing a required SMIME capabilities extension."
        => "The template requires the S/MIME capabilities extension in the request.",
           "Set SMIME = TRUE in [NewRequest] and make the request again.";
    0x8009_4806 "CERTSRV_E_BAD_RENEWAL_SUBJECT" "The request was made on behalf of a subject other than the caller. The certificate template must be configured to require at least one signature to authorize the request."
        => "The request is for someone else, and the template does not require an authorizing signature.",
           "Enroll for yourself, or have the administrator require an enrollment agent's signature on the template.";
    0x8009_4807 "CERTSRV_E_BAD_TEMPLATE_VERSION" "The request template version is newer than the supported template version."
        => "The request names a newer version of the template than the CA has.",
           "Wait for the template to replicate to the CA, or make the request again.";
    0x8009_4808 "CERTSRV_E_TEMPLATE_POLICY_REQUIRED" "The template is missing a required signature policy attribute."
        => "The template requires a signature with an issuance policy and is not set up for it.",
           "Ask the administrator to fix the template's issuance requirements.";
    0x8009_4809 "CERTSRV_E_SIGNATURE_POLICY_REQUIRED" "The request is missing required signature policy information."
        => "The request's authorizing signature lacks a policy the template requires.",
           "Sign with an enrollment agent certificate that has the required policy.";
    0x8009_480A "CERTSRV_E_SIGNATURE_COUNT" "The request is missing one or more required signatures."
        => "The template requires more authorizing signatures than the request has.",
           "Have the request signed by an enrollment agent (certreq -sign) before submitting it.";
    0x8009_480B "CERTSRV_E_SIGNATURE_REJECTED" "One or more signatures did not include the required application or issuance policies. The request is missing one or more required valid signatures."
        => "An authorizing signature is there but not acceptable (wrong policy, untrusted or expired certificate).",
           "Sign with a valid enrollment agent certificate that has the policies the template requires.";
    0x8009_480C "CERTSRV_E_ISSUANCE_POLICY_REQUIRED" "The request is missing one or more required signature issuance policies."
        => "The signing certificate lacks an issuance policy the template requires.",
           "Sign with a certificate that carries the required issuance policy.";
    0x8009_480D "CERTSRV_E_SUBJECT_UPN_REQUIRED" "The UPN is unavailable and cannot be added to the Subject Alternate name."
        => "The template builds the subject alternative name from your account's UPN, and the account has none.",
           "Ask the administrator to give the account a user principal name, or use another template.";
    0x8009_480E "CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED" "The Active Directory GUID is unavailable and cannot be added to the Subject Alternate name."
        => "The template puts the directory object's GUID in the certificate, and the requester has none (a domain controller template used by another account).",
           "Use a template meant for this kind of account.";
    0x8009_480F "CERTSRV_E_SUBJECT_DNS_REQUIRED" "The DNS name is unavailable and cannot be added to the Subject Alternate name."
        => "The template puts the requester's DNS host name in the certificate, and the account has none (a computer template used by a user).",
           "Enroll as the computer, or use a template that takes the names from the request.";
    0x8009_4810 "CERTSRV_E_ARCHIVED_KEY_UNEXPECTED" "The request includes a private key for archival by the server, but key archival is not enabled for the specified certificate template."
        => "The request carries its private key for archival, and the template does not archive keys.",
           "Make the request without PrivateKeyArchive, or use a template with key archival.";
    0x8009_4811 "CERTSRV_E_KEY_LENGTH" "The public key does not meet the minimum size required by the specified certificate template."
        => "The key is smaller than the template's minimum.",
           "Make a new key with a larger KeyLength and request again.";
    0x8009_4812 "CERTSRV_E_SUBJECT_EMAIL_REQUIRED" "The EMail name is unavailable and cannot be added to the Subject or Subject Alternate name."
        => "The template puts the requester's e-mail address in the certificate, and the account has none.",
           "Ask the administrator to set the account's e-mail address, or use another template.";
    0x8009_4816 "CERTSRV_E_RENEWAL_BAD_PUBLIC_KEY" "The certificate template requires renewal with the same public key, but the request uses a different public key."
        => "The template renews only with the key being renewed, and the request has a new one.",
           "Renew with the existing key (UseExistingKeySet), or use a template that allows a new key.";
    0x8009_4817 "CERTSRV_E_INVALID_EK" "The endorsement key certificate is not valid."
        => "Key attestation: the TPM's endorsement key certificate did not validate.",
           "Ask the administrator to trust the TPM vendor's endorsement key CA.";
    0x8007_0005 "E_ACCESSDENIED" "Access is denied."
        => "The CA refused the operation for this user (for a retrieval: the request belongs to someone else).",
           "Sign in as the user who made the request, or ask the CA's administrator for access.";
    0x8007_0002 "ERROR_FILE_NOT_FOUND" "The system cannot find the file specified."
        => "The CA has nothing to send here (a CRL it does not publish, for instance).",
           "Check what you asked for; a delta CRL exists only when the CA publishes delta CRLs.";
    0x8007_000D "ERROR_INVALID_DATA" "The data is invalid."
        => "The CA could not use what was sent.",
           "Check the request file; make the request again.";
    0x8007_0057 "ERROR_INVALID_PARAMETER" "The parameter is incorrect."
        => "A form field or attribute the CA received is not what it takes.",
           "Check -attrib (Name:Value pairs) and the request id.";
    0x8009_0006 "NTE_BAD_SIGNATURE" "Invalid Signature."
        => "The request's signature does not verify: it is damaged, or signed with another key.",
           "Make the request again with certreq -new and submit the new file unchanged.";
    0x800B_0101 "CERT_E_EXPIRED" "A required certificate is not within its validity period when verifying against the current system clock or the time stamp in the signed file."
        => "A certificate the request depends on (a renewal or enrollment agent certificate) has expired.",
           "Renew that certificate first.";
    0x800B_0109 "CERT_E_UNTRUSTEDROOT" "A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider."
        => "A certificate in the request chains to a root the CA does not trust.",
           "Use a certificate issued under a root the CA trusts.";
    0x8009_2010 "CRYPT_E_REVOKED" "The certificate is revoked."
        => "A certificate the request depends on (the one being renewed, or an enrollment agent's) has been revoked by the CA.",
           "A revoked certificate cannot be renewed or sign for others: make a new request without RenewalCert, or sign with a certificate that is still valid.";
    0x8009_310B "CRYPT_E_ASN1_BADTAG" "ASN1 bad tag value met."
        => "What was submitted is not a certificate request (an INF file or a certificate, for instance).",
           "Submit the .req file that certreq -new wrote.";
}

/// The entry for `code`.
pub fn hresult(code: u32) -> Option<&'static Hresult> {
    HRESULTS.iter().find(|h| h.code == code)
}

/// The entry for a symbol (`CERTSRV_E_PROPERTY_EMPTY`), matched case-insensitively.
pub fn by_symbol(symbol: &str) -> Option<&'static Hresult> {
    HRESULTS
        .iter()
        .find(|h| h.symbol.eq_ignore_ascii_case(symbol.trim()))
}

/// The first code the table knows that `text` names: as `0x8009…` (1–8 hex digits), as a
/// signed decimal (`-2146877436`), or by symbol.
pub fn find_in(text: &str) -> Option<&'static Hresult> {
    let bytes = text.as_bytes();
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut i = 0;
    let mut found: Option<(usize, &'static Hresult)> = None;
    let mut keep = |at: usize, h: &'static Hresult| {
        if found.is_none_or(|(f, _)| at < f) {
            found = Some((at, h));
        }
    };
    while i < bytes.len() {
        let before_ok = i == 0 || bytes.get(i - 1).is_none_or(|b| !word(b));
        if before_ok
            && text
                .get(i..i + 2)
                .is_some_and(|p| p.eq_ignore_ascii_case("0x"))
        {
            let hex = bytes
                .get(i + 2..)
                .unwrap_or(&[])
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            if (1..=8).contains(&hex)
                && let Some(Ok(n)) = text
                    .get(i + 2..i + 2 + hex)
                    .map(|h| u32::from_str_radix(h, 16))
                && let Some(h) = hresult(n)
            {
                keep(i, h);
                break;
            }
        }
        if before_ok && bytes.get(i) == Some(&b'-') {
            let digits = bytes
                .get(i + 1..)
                .unwrap_or(&[])
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 10
                && let Some(Ok(n)) = text.get(i..i + 1 + digits).map(str::parse::<i32>)
                && let Some(h) = hresult(u32::from_be_bytes(n.to_be_bytes()))
            {
                keep(i, h);
                break;
            }
        }
        i += 1;
    }
    for h in HRESULTS {
        if let Some(at) = find_word(text, h.symbol) {
            keep(at, h);
        }
    }
    found.map(|(_, h)| h)
}

/// Where `word` stands in `text` as a whole word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|r| r.find(word)) {
        let start = from + at;
        let end = start + word.len();
        let edge = |b: Option<&u8>| b.is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'));
        if edge(start.checked_sub(1).and_then(|s| bytes.get(s))) && edge(bytes.get(end)) {
            return Some(start);
        }
        from = end;
    }
    None
}

/// A request's disposition as AD CS keeps it (`CR_DISP_*`, certcli.h).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispositionCode {
    pub value: u32,
    pub symbol: &'static str,
    pub meaning: &'static str,
    pub action: &'static str,
}

/// Every `CR_DISP_*` value.
pub static DISPOSITIONS: &[DispositionCode] = &[
    DispositionCode {
        value: 0,
        symbol: "CR_DISP_INCOMPLETE",
        meaning: "The request was not completed.",
        action: "Submit it again.",
    },
    DispositionCode {
        value: 1,
        symbol: "CR_DISP_ERROR",
        meaning: "The request failed; the CA's status line says why.",
        action: "Read the status code's explanation.",
    },
    DispositionCode {
        value: 2,
        symbol: "CR_DISP_DENIED",
        meaning: "The request was denied, by the CA's policy or by a person.",
        action: "Read the disposition message and its code's explanation.",
    },
    DispositionCode {
        value: 3,
        symbol: "CR_DISP_ISSUED",
        meaning: "The certificate was issued.",
        action: "Retrieve it (certreq -retrieve) and accept it (certreq -accept).",
    },
    DispositionCode {
        value: 4,
        symbol: "CR_DISP_ISSUED_OUT_OF_BAND",
        meaning: "The certificate was issued separately from this request.",
        action: "Ask the CA's administrator for it.",
    },
    DispositionCode {
        value: 5,
        symbol: "CR_DISP_UNDER_SUBMISSION",
        meaning: "Taken Under Submission: the request waits for a certificate manager.",
        action: "Retrieve it later with its request id (certreq -retrieve).",
    },
    DispositionCode {
        value: 6,
        symbol: "CR_DISP_REVOKED",
        meaning: "The certificate was issued and has since been revoked.",
        action: "Make a new request.",
    },
];

/// An HTTP status as an EST server (RFC 7030) means it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EstStatus {
    pub status: u16,
    pub meaning: &'static str,
    pub action: &'static str,
}

/// What EST servers answer, status by status.
pub static EST_STATUSES: &[EstStatus] = &[
    EstStatus {
        status: 200,
        meaning: "Done: the body is what was asked for (certificates, CSR attributes, CA certificates).",
        action: "Nothing.",
    },
    EstStatus {
        status: 202,
        meaning: "Accepted, not issued yet: the server waits for an administrator (Retry-After says how long to wait).",
        action: "Send the same request again after the time Retry-After gives.",
    },
    EstStatus {
        status: 204,
        meaning: "No content: the server has no CSR attributes to ask for.",
        action: "Nothing: any request will do.",
    },
    EstStatus {
        status: 400,
        meaning: "The server could not use the request (not a PKCS #10, a bad signature, a malformed body).",
        action: "Make the request again with certreq -new and submit the new file.",
    },
    EstStatus {
        status: 401,
        meaning: "The server wants you to sign in (HTTP authentication).",
        action: "Give -username and -p, a ticket for -Kerberos, or -ClientCertificate.",
    },
    EstStatus {
        status: 403,
        meaning: "You are signed in but may not do this, or the CA denied the request.",
        action: "Read the server's reason; ask its administrator for the permission.",
    },
    EstStatus {
        status: 404,
        meaning: "The server has no such operation, or no such CA label.",
        action: "Check the URL: https://host/.well-known/est, with the CA label the server uses.",
    },
    EstStatus {
        status: 415,
        meaning: "The server does not take the body's content type.",
        action: "Send application/pkcs10 (certreq does).",
    },
    EstStatus {
        status: 500,
        meaning: "The server or its CA failed.",
        action: "Try again later, or ask the administrator.",
    },
    EstStatus {
        status: 503,
        meaning: "The server is busy or down for a while.",
        action: "Try again after the time Retry-After gives.",
    },
];

/// What EST means by `status`.
pub fn est_status(status: u16) -> Option<&'static EstStatus> {
    EST_STATUSES.iter().find(|s| s.status == status)
}

/// An explanation of what a CA said, to show beside its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// `0x80094800 (-2146875392 CERTSRV_E_UNSUPPORTED_CERT_TYPE)`, or `HTTP 403`.
    pub code: String,
    /// Microsoft's message for the code, or empty for an HTTP status.
    pub message: String,
    pub meaning: String,
    pub action: String,
}

impl Explanation {
    /// The explanation of an HRESULT entry.
    pub fn of(h: &Hresult) -> Explanation {
        Explanation {
            code: h.status_line(),
            message: h.message.into(),
            meaning: h.meaning.into(),
            action: h.action.into(),
        }
    }

    /// The explanation of an EST status.
    pub fn of_est(s: &EstStatus) -> Explanation {
        Explanation {
            code: format!("HTTP {}", s.status),
            message: String::new(),
            meaning: s.meaning.into(),
            action: s.action.into(),
        }
    }

    /// The explanation in lines for a terminal: `code: …`, `means: …`, `to do: …`.
    pub fn lines(&self) -> String {
        format!(
            "{}: {}\nwhat to do: {}",
            self.code, self.meaning, self.action
        )
    }
}

/// The explanation of a code, when the table has it.
pub fn explain_code(code: u32) -> Option<Explanation> {
    hresult(code).map(Explanation::of)
}

/// The explanation of a CA's message (a disposition message, a status line): the first code
/// it names that the table knows.
pub fn explain_text(text: &str) -> Option<Explanation> {
    find_in(text).map(Explanation::of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_with_its_words() {
        for (i, h) in HRESULTS.iter().enumerate() {
            assert!(
                HRESULTS[..i]
                    .iter()
                    .all(|o| o.code != h.code && o.symbol != h.symbol),
                "{} twice",
                h.symbol
            );
            assert!(h.message.ends_with('.'), "{}", h.symbol);
            assert!(
                !h.meaning.is_empty() && !h.action.is_empty(),
                "{}",
                h.symbol
            );
        }
        // the 35 rows of the research table, and the Win32 codes devca answers with
        assert!(HRESULTS.len() >= 35, "{}", HRESULTS.len());
    }

    #[test]
    fn status_lines_are_the_form_ad_cs_prints() {
        assert_eq!(
            hresult(0x8009_4004).unwrap().status_line(),
            "0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)"
        );
        assert_eq!(
            hresult(0x8009_4800).unwrap().status_line(),
            "0x80094800 (-2146875392 CERTSRV_E_UNSUPPORTED_CERT_TYPE)"
        );
        assert_eq!(
            hresult(0x8007_0005).unwrap().status_line(),
            "0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)"
        );
        assert_eq!(hresult(0x8009_4012).unwrap().decimal(), -2146877422);
        // a renewal of a revoked certificate, as AD CS and devca deny it
        let revoked = find_in("Denied by Policy Module  0x80092010, The certificate is revoked.");
        assert_eq!(
            revoked.map(Hresult::status_line).as_deref(),
            Some("0x80092010 (-2146885616 CRYPT_E_REVOKED)")
        );
    }

    #[test]
    fn codes_are_found_in_the_cas_words() {
        let denied = "Denied by Policy Module  0x80094800, The request was for a certificate \
                      template that is not supported by the Active Directory Certificate \
                      Services policy: X.";
        assert_eq!(
            find_in(denied).unwrap().symbol,
            "CERTSRV_E_UNSUPPORTED_CERT_TYPE"
        );
        assert_eq!(
            find_in("error -2146877436 here").unwrap().symbol,
            "CERTSRV_E_PROPERTY_EMPTY"
        );
        assert_eq!(
            find_in("it said CERTSRV_E_TEMPLATE_DENIED.").unwrap().code,
            0x8009_4012
        );
        // the first code named wins; a symbol inside a longer word is no match
        assert_eq!(
            find_in("0x80094012 then 0x80094004").unwrap().code,
            0x8009_4012
        );
        assert!(find_in("XCERTSRV_E_NO_REQUEST 0x0 (WIN32: 0)").is_none());
        assert!(find_in("0x12345678").is_none());
        assert!(find_in("").is_none());
    }

    #[test]
    fn dispositions_and_est_statuses() {
        assert_eq!(DISPOSITIONS.len(), 7);
        assert!(
            DISPOSITIONS
                .iter()
                .enumerate()
                .all(|(i, d)| d.value as usize == i)
        );
        assert!(est_status(202).unwrap().meaning.contains("Retry-After"));
        assert!(est_status(299).is_none());
        let e = explain_text("0x80094811").unwrap();
        assert_eq!(e.code, "0x80094811 (-2146875375 CERTSRV_E_KEY_LENGTH)");
        assert!(e.lines().contains("what to do: Make a new key"));
    }
}
