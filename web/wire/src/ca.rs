//! Knowing the CA, as it crosses between the app and its tools module: the templates a CA
//! offers (AD CS's advanced request page) and what it asks of requests (EST's CSR
//! attributes), a request checked against them (diagnostics at INF lines), where the CA's
//! certificates and CRLs are, what a CRL says, and what a CA's refusal means. The tools
//! module runs `certreq-enroll`'s `template`, `cadocs` and `why` on these.

use crate::{Reader, WireError, Writer};

/// [`crate::OP_TEMPLATE_LIST`]'s answer item: a template the CA offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateOffer {
    /// The name a request gives (`CertificateTemplate:WebServer`).
    pub name: String,
    /// The name people see.
    pub display: String,
}

/// A list of offers as bytes.
pub fn offers_to_wire(list: &[TemplateOffer]) -> Vec<u8> {
    let mut w = Writer::new();
    w.u32(list.len() as u32);
    for t in list {
        w.str(&t.name).str(&t.display);
    }
    w.finish()
}

/// The list [`offers_to_wire`] wrote.
pub fn offers_from_wire(bytes: &[u8]) -> Result<Vec<TemplateOffer>, WireError> {
    let mut r = Reader::new(bytes);
    let list = read_offers(&mut r)?;
    r.end()?;
    Ok(list)
}

fn read_offers(r: &mut Reader<'_>) -> Result<Vec<TemplateOffer>, WireError> {
    let n = r.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(256));
    for _ in 0..n {
        out.push(TemplateOffer {
            name: r.str()?.to_owned(),
            display: r.str()?.to_owned(),
        });
    }
    Ok(out)
}

fn strings(w: &mut Writer, list: &[String]) {
    w.u32(list.len() as u32);
    for s in list {
        w.str(s);
    }
}

fn read_strings(r: &mut Reader<'_>) -> Result<Vec<String>, WireError> {
    let n = r.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(256));
    for _ in 0..n {
        out.push(r.str()?.to_owned());
    }
    Ok(out)
}

/// The key a CA asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAsked {
    Rsa {
        bits: Option<u32>,
    },
    /// The curve's OID, dotted.
    Ec {
        curve: Option<String>,
    },
}

/// The templates offered, as [`TemplateFacts::to_wire`] writes them first (`None`: not known),
/// read without the rest: the app shows these and hands the facts' bytes back to the tools
/// module unread, so it links no reader or writer of the rest.
pub fn offered_of(facts: &[u8]) -> Result<Option<Vec<TemplateOffer>>, WireError> {
    let mut r = Reader::new(facts);
    if r.flag()? {
        Ok(Some(read_offers(&mut r)?))
    } else {
        Ok(None)
    }
}

/// What is known of a template (`certreq_enroll::template::Known`); OIDs dotted. As bytes
/// ([`TemplateFacts::to_wire`]) it is what [`crate::OP_TEMPLATE_LIST`] and
/// [`crate::OP_CSRATTRS`] answer and [`TemplateCheck`] carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TemplateFacts {
    pub offered: Option<Vec<TemplateOffer>>,
    pub attrib_template: Option<String>,
    pub key: Option<KeyAsked>,
    pub signature: Vec<String>,
    pub subject: Vec<String>,
    pub extensions: Vec<String>,
    pub challenge_password: bool,
    pub unknown: Vec<String>,
}

impl TemplateFacts {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write(&mut w);
        w.finish()
    }

    fn write(&self, w: &mut Writer) {
        match &self.offered {
            Some(list) => {
                w.flag(true);
                w.u32(list.len() as u32);
                for t in list {
                    w.str(&t.name).str(&t.display);
                }
            }
            None => {
                w.flag(false);
            }
        }
        w.opt_str(self.attrib_template.as_deref());
        match &self.key {
            None => {
                w.u32(0);
            }
            Some(KeyAsked::Rsa { bits }) => {
                w.u32(1);
                match bits {
                    Some(b) => w.flag(true).u32(*b),
                    None => w.flag(false),
                };
            }
            Some(KeyAsked::Ec { curve }) => {
                w.u32(2).opt_str(curve.as_deref());
            }
        }
        strings(w, &self.signature);
        strings(w, &self.subject);
        strings(w, &self.extensions);
        w.flag(self.challenge_password);
        strings(w, &self.unknown);
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let facts = Self::read(&mut r)?;
        r.end()?;
        Ok(facts)
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let offered = if r.flag()? {
            Some(read_offers(r)?)
        } else {
            None
        };
        let attrib_template = r.opt_str()?.map(str::to_owned);
        let key = match r.u32()? {
            0 => None,
            1 => Some(KeyAsked::Rsa {
                bits: if r.flag()? { Some(r.u32()?) } else { None },
            }),
            2 => Some(KeyAsked::Ec {
                curve: r.opt_str()?.map(str::to_owned),
            }),
            _ => return Err(WireError),
        };
        Ok(TemplateFacts {
            offered,
            attrib_template,
            key,
            signature: read_strings(r)?,
            subject: read_strings(r)?,
            extensions: read_strings(r)?,
            challenge_password: r.flag()?,
            unknown: read_strings(r)?,
        })
    }
}

/// [`crate::OP_EST_PLACES`]'s answer: the CA label (empty for none) and the `/csrattrs` URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EstPlaces {
    pub label: String,
    pub csrattrs: String,
}

impl EstPlaces {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.str(&self.label).str(&self.csrattrs);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let p = EstPlaces {
            label: r.str()?.to_owned(),
            csrattrs: r.str()?.to_owned(),
        };
        r.end()?;
        Ok(p)
    }
}

/// An HTTP answer handed to the tools module to read (`/csrattrs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl HttpAnswer {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u32(u32::from(self.status))
            .str(&self.content_type)
            .bytes(&self.body);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let a = HttpAnswer {
            status: u16::try_from(r.u32()?).map_err(|_| WireError)?,
            content_type: r.str()?.to_owned(),
            body: r.bytes()?.to_vec(),
        };
        r.end()?;
        Ok(a)
    }
}

/// [`crate::OP_TEMPLATE_CHECK`]'s question: the INF text, the template the request will name
/// beside it (AD CS's template field; for EST the label), and the facts as the tools module
/// answered them ([`TemplateFacts::to_wire`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateCheck {
    pub inf: String,
    pub template: Option<String>,
    pub facts: Vec<u8>,
}

impl TemplateCheck {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.str(&self.inf)
            .opt_str(self.template.as_deref())
            .bytes(&self.facts);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let check = TemplateCheck {
            inf: r.str()?.to_owned(),
            template: r.opt_str()?.map(str::to_owned),
            facts: r.bytes()?.to_vec(),
        };
        r.end()?;
        Ok(check)
    }
}

/// A diagnostic as it crosses: severity (`note`, `warning`, `error`), code, message, help and
/// its byte span in the INF text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: String,
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    pub start: u32,
    pub end: u32,
}

/// Findings as bytes.
pub fn findings_to_wire(list: &[Finding]) -> Vec<u8> {
    let mut w = Writer::new();
    w.u32(list.len() as u32);
    for f in list {
        w.str(&f.severity).str(&f.code).str(&f.message);
        w.opt_str(f.help.as_deref()).u32(f.start).u32(f.end);
    }
    w.finish()
}

/// The findings [`findings_to_wire`] wrote.
pub fn findings_from_wire(bytes: &[u8]) -> Result<Vec<Finding>, WireError> {
    let mut r = Reader::new(bytes);
    let n = r.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(256));
    for _ in 0..n {
        out.push(Finding {
            severity: r.str()?.to_owned(),
            code: r.str()?.to_owned(),
            message: r.str()?.to_owned(),
            help: r.opt_str()?.map(str::to_owned),
            start: r.u32()?,
            end: r.u32()?,
        });
    }
    r.end()?;
    Ok(out)
}

/// [`crate::OP_CA_DOWNLOADS`]'s question: the CA URL as typed, and for AD CS the
/// `certcarc.asp` page once fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaDownloadsQuery {
    pub url: String,
    pub certcarc_page: Option<String>,
}

impl CaDownloadsQuery {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.str(&self.url).opt_str(self.certcarc_page.as_deref());
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let q = CaDownloadsQuery {
            url: r.str()?.to_owned(),
            certcarc_page: r.opt_str()?.map(str::to_owned),
        };
        r.end()?;
        Ok(q)
    }
}

/// Something of the CA's to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    /// `page` (fetch it and ask again with it), `cert`, `chain`, `crl`, `delta-crl`, `cacerts`.
    pub what: String,
    /// The CA certificate's renewal index (AD CS), else 0.
    pub renewal: u32,
    pub url: String,
}

/// Downloads as bytes.
pub fn downloads_to_wire(list: &[Download]) -> Vec<u8> {
    let mut w = Writer::new();
    w.u32(list.len() as u32);
    for d in list {
        w.str(&d.what).u32(d.renewal).str(&d.url);
    }
    w.finish()
}

/// The downloads [`downloads_to_wire`] wrote.
pub fn downloads_from_wire(bytes: &[u8]) -> Result<Vec<Download>, WireError> {
    let mut r = Reader::new(bytes);
    let n = r.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(256));
    for _ in 0..n {
        out.push(Download {
            what: r.str()?.to_owned(),
            renewal: r.u32()?,
            url: r.str()?.to_owned(),
        });
    }
    r.end()?;
    Ok(out)
}

/// [`crate::OP_CRL`]'s question: the bytes, the kind asked for, and the issuer's certificate
/// (DER) when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlQuery {
    pub bytes: Vec<u8>,
    pub delta: bool,
    pub issuer: Option<Vec<u8>>,
}

impl CrlQuery {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.bytes)
            .flag(self.delta)
            .opt_bytes(self.issuer.as_deref());
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let q = CrlQuery {
            bytes: r.bytes()?.to_vec(),
            delta: r.flag()?,
            issuer: r.opt_bytes()?.map(<[u8]>::to_vec),
        };
        r.end()?;
        Ok(q)
    }
}

/// What a CRL says (`certreq_enroll::cadocs::CrlFacts`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlSummary {
    pub issuer: String,
    pub this_update: i64,
    pub next_update: Option<i64>,
    pub number: Option<String>,
    pub delta_of: Option<String>,
    /// (serial in hex, date, reason code or none)
    pub revoked: Vec<(String, i64, Option<u32>)>,
    pub der: Vec<u8>,
}

impl CrlSummary {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.str(&self.issuer).i64(self.this_update);
        match self.next_update {
            Some(t) => w.flag(true).i64(t),
            None => w.flag(false),
        };
        w.opt_str(self.number.as_deref())
            .opt_str(self.delta_of.as_deref());
        w.u32(self.revoked.len() as u32);
        for (serial, date, reason) in &self.revoked {
            w.str(serial).i64(*date);
            match reason {
                Some(r) => w.flag(true).u32(*r),
                None => w.flag(false),
            };
        }
        w.bytes(&self.der);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let issuer = r.str()?.to_owned();
        let this_update = r.i64()?;
        let next_update = if r.flag()? { Some(r.i64()?) } else { None };
        let number = r.opt_str()?.map(str::to_owned);
        let delta_of = r.opt_str()?.map(str::to_owned);
        let n = r.u32()? as usize;
        let mut revoked = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let serial = r.str()?.to_owned();
            let date = r.i64()?;
            let reason = if r.flag()? { Some(r.u32()?) } else { None };
            revoked.push((serial, date, reason));
        }
        let der = r.bytes()?.to_vec();
        r.end()?;
        Ok(CrlSummary {
            issuer,
            this_update,
            next_update,
            number,
            delta_of,
            revoked,
            der,
        })
    }
}

/// [`crate::OP_EXPLAIN`]'s question: what the CA said, the code when known, and for EST the
/// HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainQuery {
    pub text: String,
    pub code: Option<u32>,
    pub est_status: Option<u16>,
}

impl ExplainQuery {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.str(&self.text);
        match self.code {
            Some(c) => w.flag(true).u32(c),
            None => w.flag(false),
        };
        match self.est_status {
            Some(s) => w.flag(true).u32(u32::from(s)),
            None => w.flag(false),
        };
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let text = r.str()?.to_owned();
        let code = if r.flag()? { Some(r.u32()?) } else { None };
        let est_status = if r.flag()? {
            Some(u16::try_from(r.u32()?).map_err(|_| WireError)?)
        } else {
            None
        };
        r.end()?;
        Ok(ExplainQuery {
            text,
            code,
            est_status,
        })
    }
}

/// Why the CA said no, explained (`certreq_enroll::why::Explanation`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub code: String,
    pub message: String,
    pub meaning: String,
    pub action: String,
}

/// An explanation, or its absence, as bytes.
pub fn explanation_to_wire(e: Option<&Explanation>) -> Vec<u8> {
    let mut w = Writer::new();
    match e {
        None => {
            w.flag(false);
        }
        Some(e) => {
            w.flag(true)
                .str(&e.code)
                .str(&e.message)
                .str(&e.meaning)
                .str(&e.action);
        }
    }
    w.finish()
}

/// The explanation [`explanation_to_wire`] wrote.
pub fn explanation_from_wire(bytes: &[u8]) -> Result<Option<Explanation>, WireError> {
    let mut r = Reader::new(bytes);
    let e = if r.flag()? {
        Some(Explanation {
            code: r.str()?.to_owned(),
            message: r.str()?.to_owned(),
            meaning: r.str()?.to_owned(),
            action: r.str()?.to_owned(),
        })
    } else {
        None
    };
    r.end()?;
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `bytes` reads back as `value`, and every shorter cut, and one trailing byte, is refused.
    fn crosses_whole<T: PartialEq + std::fmt::Debug>(
        value: &T,
        bytes: &[u8],
        read: impl Fn(&[u8]) -> Result<T, WireError>,
    ) {
        assert_eq!(read(bytes).as_ref(), Ok(value));
        for cut in 0..bytes.len() {
            assert!(
                read(&bytes[..cut]).is_err(),
                "cut at {cut} of {}",
                bytes.len()
            );
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(read(&longer).is_err(), "a trailing byte");
    }

    fn offers() -> Vec<TemplateOffer> {
        vec![
            TemplateOffer {
                name: "WebServer".into(),
                display: "Web Server".into(),
            },
            TemplateOffer {
                name: "User".into(),
                display: "Usér".into(),
            },
        ]
    }

    fn facts() -> TemplateFacts {
        TemplateFacts {
            offered: Some(offers()),
            attrib_template: Some("WebServer".into()),
            key: Some(KeyAsked::Ec {
                curve: Some("1.2.840.10045.3.1.7".into()),
            }),
            signature: vec!["1.2.840.10045.4.3.2".into()],
            subject: vec!["2.5.4.3".into(), "2.5.4.10".into()],
            extensions: vec!["2.5.29.17".into()],
            challenge_password: true,
            unknown: vec!["1.2.3.4".into()],
        }
    }

    #[test]
    fn template_lists_and_facts_cross_whole() {
        let list = offers();
        crosses_whole(&list, &offers_to_wire(&list), offers_from_wire);
        crosses_whole(&Vec::new(), &offers_to_wire(&[]), offers_from_wire);
        for key in [
            None,
            Some(KeyAsked::Rsa { bits: Some(3072) }),
            Some(KeyAsked::Rsa { bits: None }),
            Some(KeyAsked::Ec { curve: None }),
        ] {
            let f = TemplateFacts { key, ..facts() };
            crosses_whole(&f, &f.to_wire(), TemplateFacts::from_wire);
        }
        let f = facts();
        crosses_whole(&f, &f.to_wire(), TemplateFacts::from_wire);
        let empty = TemplateFacts::default();
        crosses_whole(&empty, &empty.to_wire(), TemplateFacts::from_wire);
        let check = TemplateCheck {
            inf: "[NewRequest]\r\nSubject = \"CN=x\"\r\n".into(),
            template: Some("WebServer".into()),
            facts: facts().to_wire(),
        };
        crosses_whole(&check, &check.to_wire(), TemplateCheck::from_wire);
        let none = TemplateCheck {
            template: None,
            ..check
        };
        crosses_whole(&none, &none.to_wire(), TemplateCheck::from_wire);
        // the offers are read from the facts' bytes alone
        assert_eq!(offered_of(&facts().to_wire()), Ok(Some(offers())));
        assert_eq!(offered_of(&empty.to_wire()), Ok(None));
        assert_eq!(offered_of(&[]), Err(WireError));
    }

    #[test]
    fn answers_findings_and_downloads_cross_whole() {
        let a = HttpAnswer {
            status: 200,
            content_type: "application/csrattrs".into(),
            body: vec![0x30, 0x00],
        };
        crosses_whole(&a, &a.to_wire(), HttpAnswer::from_wire);
        let findings = vec![
            Finding {
                severity: "warning".into(),
                code: "template-key-too-small".into(),
                message: "the CA asks for 3072 bits".into(),
                help: Some("set KeyLength = 3072".into()),
                start: 14,
                end: 30,
            },
            Finding {
                severity: "error".into(),
                code: "x".into(),
                message: String::new(),
                help: None,
                start: 0,
                end: 0,
            },
        ];
        crosses_whole(&findings, &findings_to_wire(&findings), findings_from_wire);
        for q in [
            CaDownloadsQuery {
                url: "https://ca/certsrv".into(),
                certcarc_page: Some("<html>nRenewals=1;</html>".into()),
            },
            CaDownloadsQuery {
                url: "https://ca/.well-known/est".into(),
                certcarc_page: None,
            },
        ] {
            crosses_whole(&q, &q.to_wire(), CaDownloadsQuery::from_wire);
        }
        let downloads = vec![
            Download {
                what: "cert".into(),
                renewal: 1,
                url: "https://ca/certsrv/certnew.cer?ReqID=CACert&Renewal=1&Enc=bin".into(),
            },
            Download {
                what: "delta-crl".into(),
                renewal: 0,
                url: "https://ca/certsrv/certcrl.crl?Type=delta".into(),
            },
        ];
        crosses_whole(
            &downloads,
            &downloads_to_wire(&downloads),
            downloads_from_wire,
        );
    }

    #[test]
    fn crls_and_explanations_cross_whole() {
        for q in [
            CrlQuery {
                bytes: vec![0x30, 0x82, 0x01, 0x00],
                delta: true,
                issuer: Some(vec![0x30, 0x03, 0x02, 0x01, 0x05]),
            },
            CrlQuery {
                bytes: Vec::new(),
                delta: false,
                issuer: None,
            },
        ] {
            crosses_whole(&q, &q.to_wire(), CrlQuery::from_wire);
        }
        let s = CrlSummary {
            issuer: "CN=devca".into(),
            this_update: 1_790_000_000,
            next_update: Some(1_790_604_800),
            number: Some("0A".into()),
            delta_of: Some("09".into()),
            revoked: vec![
                ("01AB".into(), 1_789_999_000, Some(1)),
                ("02".into(), -5, None),
            ],
            der: vec![0x30, 0x00],
        };
        crosses_whole(&s, &s.to_wire(), CrlSummary::from_wire);
        let bare = CrlSummary {
            next_update: None,
            number: None,
            delta_of: None,
            revoked: Vec::new(),
            ..s
        };
        crosses_whole(&bare, &bare.to_wire(), CrlSummary::from_wire);
        for q in [
            ExplainQuery {
                text: "Denied by Policy Module".into(),
                code: Some(0x8009_4012),
                est_status: None,
            },
            ExplainQuery {
                text: String::new(),
                code: None,
                est_status: Some(403),
            },
        ] {
            crosses_whole(&q, &q.to_wire(), ExplainQuery::from_wire);
        }
        let e = Explanation {
            code: "CERTSRV_E_TEMPLATE_DENIED".into(),
            message: "The permissions on the certificate template do not allow …".into(),
            meaning: "you may not enroll for this template".into(),
            action: "ask the CA administrator for Enroll permission".into(),
        };
        crosses_whole(
            &Some(e.clone()),
            &explanation_to_wire(Some(&e)),
            explanation_from_wire,
        );
        crosses_whole(&None, &explanation_to_wire(None), explanation_from_wire);
    }

    #[test]
    fn an_http_status_or_code_out_of_range_is_refused() {
        let mut w = Writer::new();
        w.u32(70_000).str("text/plain").bytes(b"");
        assert_eq!(HttpAnswer::from_wire(&w.finish()), Err(WireError));
        let mut w = Writer::new();
        w.str("x").flag(false).flag(true).u32(70_000);
        assert_eq!(ExplainQuery::from_wire(&w.finish()), Err(WireError));
    }
}
