//! What the editor keeps of one reading of its INF text ([`Reading`]): the request, the
//! diagnostics, and the [`Outline`] the reference panel follows the caret by. The app reads
//! a short text itself; a long one is read by the tools module in a worker
//! ([`crate::OP_COMPILE`]) so typing never waits for the reading, and the reading crosses back
//! in this form.

use certreq_inf::diag::{Diagnostic, LineIndex, Severity};
use certreq_inf::{Inf, codes};
use certreq_pkix::oid::ObjectIdentifier;
use certreq_request::model::{
    KeyPlan, KeySpec, NewRequest, Period, RequestType, SignatureScheme, ValidityPlan,
};
use certreq_request::{Builds, Compiled};
use der::asn1::OctetString;
use der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::name::Name;

use crate::backup::{algorithm_from_wire, algorithm_to_wire};
use crate::{Reader, WireError, Writer, scheme_from_wire, scheme_to_wire};

/// What the editor's lowering builds (the app's front end: renewals and requests on behalf
/// of others, with the wrapper the tools module writes), wherever it runs.
pub const BUILDS: Builds = Builds::APP;

/// Reads `text` as the editor does.
pub fn read(text: &str) -> Reading {
    certreq_request::compile_for(text, BUILDS).into()
}

/// One reading of an INF text, as the editor keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// `None` when any diagnostic is an error.
    pub request: Option<NewRequest>,
    /// Reader and lowering diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Where the sections' headers and entries are.
    pub outline: Outline,
}

impl From<Compiled> for Reading {
    fn from(c: Compiled) -> Self {
        Reading {
            outline: Outline::of(&c.inf),
            request: c.request,
            diagnostics: c.diagnostics,
        }
    }
}

/// Where an INF's section headers and keyed entries are, in the parsed INF's order (merged
/// sections' places together): all the editor needs of the parsed INF to say which section
/// and key the caret is on. Flat (a few vectors however many sections), so a long INF's
/// outline crosses from the worker cheaply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// The sections' names, one after another ([`Outline::sections`] says where each is).
    names: String,
    /// Each section's name, as a range of `names`.
    sections: Vec<(u32, u32)>,
    /// Each `[header]`: its section and where it starts.
    headers: Vec<(u32, u32)>,
    /// The entries that have a key.
    entries: Vec<Place>,
    /// The entries' keys, one after another.
    keys: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    section: u32,
    key: (u32, u32),
    start: u32,
    end: u32,
}

fn at(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Outline {
    /// The outline of a parsed INF.
    pub fn of(inf: &Inf) -> Self {
        let mut o = Outline::default();
        for (i, section) in inf.sections.iter().enumerate() {
            let i = at(i);
            let from = at(o.names.len());
            o.names.push_str(&section.name);
            o.sections.push((from, at(o.names.len())));
            o.headers
                .extend(section.headers.iter().map(|h| (i, at(h.start))));
            for e in section.entries.iter().filter(|e| !e.key.is_empty()) {
                let from = at(o.keys.len());
                o.keys.push_str(&e.key);
                o.entries.push(Place {
                    section: i,
                    key: (from, at(o.keys.len())),
                    start: at(e.span.start),
                    end: at(e.span.end),
                });
            }
        }
        o
    }

    fn name(&self, section: u32) -> &str {
        let (a, b) = self.sections[section as usize];
        &self.names[a as usize..b as usize]
    }

    /// The first byte of 0-based `line` and the first of the line after it (none after the
    /// last line); `None` past the last line.
    fn bounds(text: &str, lines: &LineIndex, line: usize) -> Option<(usize, usize)> {
        let count = lines.line_count();
        let start = |l| lines.line_range(text, l).start;
        (line < count).then(|| {
            let next = if line + 1 < count {
                start(line + 1)
            } else {
                usize::MAX
            };
            (start(line), next)
        })
    }

    /// The section and key of the entry on 0-based `line` of `text` (an entry spans the lines
    /// from its start to its end): the first such entry in the parsed INF's order.
    pub fn key_on(&self, text: &str, lines: &LineIndex, line: usize) -> Option<(&str, &str)> {
        let (from, next) = Self::bounds(text, lines, line)?;
        // a plain walk, with no order to keep up: a caret move over 100,000 entries costs
        // about a tenth of a millisecond
        let e = self
            .entries
            .iter()
            .find(|e| (e.start as usize) < next && e.end as usize >= from)?;
        Some((
            self.name(e.section),
            &self.keys[e.key.0 as usize..e.key.1 as usize],
        ))
    }

    /// The section whose `[header]` is on 0-based `line` of `text`.
    pub fn header_on(&self, text: &str, lines: &LineIndex, line: usize) -> Option<&str> {
        let (from, next) = Self::bounds(text, lines, line)?;
        self.headers
            .iter()
            .find(|h| from <= h.1 as usize && (h.1 as usize) < next)
            .map(|h| self.name(h.0))
    }

    fn to_wire(&self, w: &mut Writer) {
        w.str(&self.names).str(&self.keys);
        w.u32(at(self.sections.len()));
        for &(a, b) in &self.sections {
            w.u32(a).u32(b);
        }
        w.u32(at(self.headers.len()));
        for &(s, start) in &self.headers {
            w.u32(s).u32(start);
        }
        w.u32(at(self.entries.len()));
        for e in &self.entries {
            w.u32(e.section)
                .u32(e.key.0)
                .u32(e.key.1)
                .u32(e.start)
                .u32(e.end);
        }
    }

    fn from_wire(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let names = r.str()?.to_owned();
        let keys = r.str()?.to_owned();
        let range = |(a, b): (u32, u32), s: &str| {
            (a <= b && s.get(a as usize..b as usize).is_some())
                .then_some((a, b))
                .ok_or(WireError)
        };
        let count = |r: &mut Reader<'_>| -> Result<usize, WireError> {
            let n = r.u32()? as usize;
            // each item is at least two u32s: a count past the bytes left is damage
            (n <= r.left() / 8).then_some(n).ok_or(WireError)
        };
        let n = count(r)?;
        let mut sections = Vec::with_capacity(n);
        for _ in 0..n {
            sections.push(range((r.u32()?, r.u32()?), &names)?);
        }
        let section = |s: u32| (s as usize) < sections.len();
        let n = count(r)?;
        let mut headers = Vec::with_capacity(n);
        for _ in 0..n {
            let h = (r.u32()?, r.u32()?);
            if !section(h.0) {
                return Err(WireError);
            }
            headers.push(h);
        }
        let n = count(r)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let e = Place {
                section: r.u32()?,
                key: range((r.u32()?, r.u32()?), &keys)?,
                start: r.u32()?,
                end: r.u32()?,
            };
            if !section(e.section) || e.end < e.start {
                return Err(WireError);
            }
            entries.push(e);
        }
        Ok(Outline {
            names,
            sections,
            headers,
            entries,
            keys,
        })
    }
}

impl Reading {
    /// The reading as the tools module hands it back.
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u32(at(self.diagnostics.len()));
        for d in &self.diagnostics {
            let severity = match d.severity {
                Severity::Note => 0,
                Severity::Warning => 1,
                Severity::Error => 2,
            };
            w.u32(severity)
                .str(d.code)
                .str(&d.message)
                .u32(at(d.span.start))
                .u32(at(d.span.end))
                .opt_str(d.help.as_deref());
        }
        match &self.request {
            None => {
                w.flag(false);
            }
            Some(q) => {
                w.flag(true);
                request_to_wire(&mut w, q);
            }
        }
        self.outline.to_wire(&mut w);
        w.finish()
    }

    /// Reads [`Reading::to_wire`]'s bytes; a code the registry does not have is damage.
    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let n = r.u32()? as usize;
        let mut diagnostics = Vec::with_capacity(n.min(r.left() / 16));
        for _ in 0..n {
            let severity = match r.u32()? {
                0 => Severity::Note,
                1 => Severity::Warning,
                2 => Severity::Error,
                _ => return Err(WireError),
            };
            let name = r.str()?;
            let code = *codes::NAMES.iter().find(|c| **c == name).ok_or(WireError)?;
            let message = r.str()?.to_owned();
            let (start, end) = (r.u32()? as usize, r.u32()? as usize);
            if end < start {
                return Err(WireError);
            }
            let help = r.opt_str()?.map(str::to_owned);
            diagnostics.push(Diagnostic {
                severity,
                code,
                message,
                span: start..end,
                help,
            });
        }
        let request = if r.flag()? {
            Some(request_from_wire(&mut r)?)
        } else {
            None
        };
        let outline = Outline::from_wire(&mut r)?;
        r.end()?;
        Ok(Reading {
            request,
            diagnostics,
            outline,
        })
    }
}

/// The request types by number (a `match` in `request_type_number`, so a type added to the
/// model is a compile error there until it is numbered here too).
const REQUEST_TYPES: [RequestType; 5] = [
    RequestType::Pkcs10,
    RequestType::Pkcs7,
    RequestType::Cmc,
    RequestType::Cert,
    RequestType::Scep,
];

fn request_type_number(t: RequestType) -> u32 {
    match t {
        RequestType::Pkcs10 => 0,
        RequestType::Pkcs7 => 1,
        RequestType::Cmc => 2,
        RequestType::Cert => 3,
        RequestType::Scep => 4,
    }
}

fn der<T: Encode>(value: &T) -> Vec<u8> {
    // every value here was built by the lowering, which encodes each of them anyway
    value.to_der().unwrap_or_default()
}

fn pick<T: Copy>(n: u32, all: &[T]) -> Result<T, WireError> {
    all.get(n as usize).copied().ok_or(WireError)
}

fn opt_i64(w: &mut Writer, n: Option<i64>) {
    match n {
        None => w.flag(false),
        Some(n) => w.flag(true).i64(n),
    };
}

fn read_opt_i64(r: &mut Reader<'_>) -> Result<Option<i64>, WireError> {
    Ok(if r.flag()? { Some(r.i64()?) } else { None })
}

fn request_to_wire(w: &mut Writer, q: &NewRequest) {
    // every field named, so a field added to the request cannot be left off the wire
    let NewRequest {
        request_type,
        subject,
        key,
        signature,
        extensions,
        subject_key_identifier,
        ski_position,
        name_value_pairs,
        default_attributes,
        friendly_name,
        validity,
        renewal_cert,
        requester_name,
    } = q;
    let KeyPlan {
        algorithm,
        exportable,
        key_spec,
        container,
        use_existing,
    } = key;
    let ValidityPlan {
        not_before,
        not_after,
        period,
    } = validity;
    w.u32(request_type_number(*request_type))
        .bytes(&der(subject));
    algorithm_to_wire(w, Some(*algorithm));
    w.flag(*exportable)
        .u32(key_spec.number())
        .opt_str(container.as_deref())
        .flag(*use_existing);
    scheme_to_wire(w, *signature);
    w.u32(at(extensions.len()));
    for e in extensions {
        w.bytes(e.extn_id.as_bytes())
            .flag(e.critical)
            .bytes(e.extn_value.as_bytes());
    }
    w.flag(*subject_key_identifier).u32(at(*ski_position));
    w.u32(at(name_value_pairs.len()));
    for (name, value) in name_value_pairs {
        w.str(name).str(value);
    }
    w.flag(*default_attributes)
        .opt_str(friendly_name.as_deref());
    opt_i64(w, *not_before);
    opt_i64(w, *not_after);
    match period {
        None => w.u32(0),
        Some(Period::Months(n)) => w.u32(1).i64(*n),
        Some(Period::Seconds(n)) => w.u32(2).i64(*n),
    };
    w.opt_str(renewal_cert.as_deref())
        .opt_str(requester_name.as_deref());
}

fn request_from_wire(r: &mut Reader<'_>) -> Result<NewRequest, WireError> {
    let request_type = pick(r.u32()?, &REQUEST_TYPES)?;
    let subject = Name::from_der(r.bytes()?).map_err(|_| WireError)?;
    let algorithm = algorithm_from_wire(r)?.ok_or(WireError)?;
    let key = KeyPlan {
        algorithm,
        exportable: r.flag()?,
        key_spec: match r.u32()? {
            0 => KeySpec::None,
            1 => KeySpec::KeyExchange,
            2 => KeySpec::Signature,
            _ => return Err(WireError),
        },
        container: r.opt_str()?.map(str::to_owned),
        use_existing: r.flag()?,
    };
    let signature: SignatureScheme = scheme_from_wire(r)?;
    let n = r.u32()? as usize;
    let mut extensions = Vec::with_capacity(n.min(r.left()));
    for _ in 0..n {
        let extn_id = ObjectIdentifier::from_bytes(r.bytes()?).map_err(|_| WireError)?;
        let critical = r.flag()?;
        let extn_value = OctetString::new(r.bytes()?).map_err(|_| WireError)?;
        extensions.push(Extension {
            extn_id,
            critical,
            extn_value,
        });
    }
    let subject_key_identifier = r.flag()?;
    let ski_position = r.u32()? as usize;
    let n = r.u32()? as usize;
    let mut name_value_pairs = Vec::with_capacity(n.min(r.left()));
    for _ in 0..n {
        name_value_pairs.push((r.str()?.to_owned(), r.str()?.to_owned()));
    }
    let default_attributes = r.flag()?;
    let friendly_name = r.opt_str()?.map(str::to_owned);
    let not_before = read_opt_i64(r)?;
    let not_after = read_opt_i64(r)?;
    let period = match r.u32()? {
        0 => None,
        1 => Some(Period::Months(r.i64()?)),
        2 => Some(Period::Seconds(r.i64()?)),
        _ => return Err(WireError),
    };
    Ok(NewRequest {
        request_type,
        subject,
        key,
        signature,
        extensions,
        subject_key_identifier,
        ski_position,
        name_value_pairs,
        default_attributes,
        friendly_name,
        validity: ValidityPlan {
            not_before,
            not_after,
            period,
        },
        renewal_cert: r.opt_str()?.map(str::to_owned),
        requester_name: r.opt_str()?.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests;
