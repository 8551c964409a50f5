//! Calendar arithmetic for UTC timestamps (seconds since 1970), proleptic Gregorian, without
//! a date library: the app shows times with it and certificates carry their validity in its
//! `Time` encoding.

/// A moment broken into its calendar fields (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// The calendar fields of `seconds` since 1970-01-01 00:00:00 UTC (any sign).
pub fn civil(seconds: i64) -> Civil {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    // every field below is in range by construction
    Civil {
        year: yoe + era * 400 + i64::from(month <= 2),
        month: month as u8,
        day: day as u8,
        hour: (of_day / 3600) as u8,
        minute: (of_day % 3600 / 60) as u8,
        second: (of_day % 60) as u8,
    }
}

/// Days since 1970-01-01 of a calendar date (`month` 1–12; any `day`, counted on from the
/// month's first).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // days-from-civil (Howard Hinnant's algorithm)
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Years from 1970 past which no second fits in an i64 (about 2.9 × 10^11), with room.
const MAX_YEARS: u64 = 1_000_000_000_000;

/// `seconds` plus `months` calendar months, at the same time of day; a day the target month
/// lacks becomes its last (January 31 plus one month is February 28 or 29). `None` when the
/// result does not fit.
pub fn add_months(seconds: i64, months: i64) -> Option<i64> {
    let c = civil(seconds);
    let target = c
        .year
        .checked_mul(12)?
        .checked_add(i64::from(c.month) - 1)?
        .checked_add(months)?;
    // a year this far out has no second that fits in an i64, and its day count would overflow
    if target.div_euclid(12).unsigned_abs() > MAX_YEARS {
        return None;
    }
    let first_of = |index: i64| days_from_civil(index.div_euclid(12), index.rem_euclid(12) + 1, 1);
    let first = first_of(target);
    let month_length = first_of(target.checked_add(1)?) - first;
    let day = i64::from(c.day).min(month_length);
    (first + day - 1)
        .checked_mul(86_400)?
        .checked_add(seconds.rem_euclid(86_400))
}

/// X.509 `Time` (RFC 5280 §4.1.2.5) as DER: UTCTime `YYMMDDHHMMSSZ` for 1950–2049,
/// GeneralizedTime `YYYYMMDDHHMMSSZ` after. `None` before 1970 or after 9999.
pub fn x509_time_der(seconds: i64) -> Option<Vec<u8>> {
    if seconds < 0 {
        return None;
    }
    let c = civil(seconds);
    if c.year > 9999 {
        return None;
    }
    let mut digits = String::with_capacity(15);
    let (tag, year) = if c.year < 2050 {
        (0x17, format!("{:02}", c.year % 100))
    } else {
        (0x18, format!("{:04}", c.year))
    };
    digits.push_str(&year);
    for field in [c.month, c.day, c.hour, c.minute, c.second] {
        digits.push(char::from(b'0' + field / 10));
        digits.push(char::from(b'0' + field % 10));
    }
    digits.push('Z');
    let mut out = Vec::with_capacity(digits.len() + 2);
    crate::tlv::push(&mut out, tag, digits.as_bytes());
    Some(out)
}

/// Reads an X.509 `Time` from its tag (`0x17` UTCTime, `0x18` GeneralizedTime) and content,
/// in the DER forms RFC 5280 allows (`YYMMDDHHMMSSZ`, `YYYYMMDDHHMMSSZ`), to seconds since
/// 1970; `None` for anything else.
pub fn read_x509_time(tag: u8, content: &[u8]) -> Option<i64> {
    let (year, rest) = match (tag, content.len()) {
        (0x17, 13) => {
            let yy = two_digits(content.get(..2)?)?;
            (
                if yy < 50 { 2000 + yy } else { 1900 + yy },
                content.get(2..)?,
            )
        }
        (0x18, 15) => {
            let hi = two_digits(content.get(..2)?)?;
            let lo = two_digits(content.get(2..4)?)?;
            (hi * 100 + lo, content.get(4..)?)
        }
        _ => return None,
    };
    if rest.last() != Some(&b'Z') {
        return None;
    }
    let field = |i: usize| two_digits(rest.get(2 * i..2 * i + 2)?);
    let (month, day) = (field(0)?, field(1)?);
    let (hour, minute, second) = (field(2)?, field(3)?, field(4)?);
    if !(1..=12).contains(&month) || day < 1 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // a day the month does not have (February 30) reads as another date: refuse it
    if civil(days * 86_400).day != day as u8 {
        return None;
    }
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

fn two_digits(b: &[u8]) -> Option<i64> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some(i64::from(a - b'0') * 10 + i64::from(c - b'0')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;

    #[test]
    fn x509_times_read_back() {
        for t in [0, 951_782_400, 1_784_889_060, 2_524_607_999, 2_524_608_000] {
            let der = x509_time_der(t).unwrap();
            let tlv = crate::tlv::read(&der).unwrap();
            assert_eq!(read_x509_time(tlv.tag, tlv.content), Some(t), "{t}");
        }
        assert_eq!(read_x509_time(0x17, b"500101000000Z"), Some(-631_152_000));
        assert_eq!(read_x509_time(0x17, b"200230000000Z"), None);
        assert_eq!(read_x509_time(0x17, b"2002010000000"), None);
        assert_eq!(read_x509_time(0x18, b"20200101000000"), None);
        assert_eq!(read_x509_time(0x04, b"200101000000Z"), None);
    }

    #[test]
    fn civil_fields_of_known_moments() {
        let at = |s| {
            let c = civil(s);
            (c.year, c.month, c.day, c.hour, c.minute, c.second)
        };
        assert_eq!(at(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(at(951_782_400), (2000, 2, 29, 0, 0, 0));
        assert_eq!(at(1_784_889_060), (2026, 7, 24, 10, 31, 0));
        assert_eq!(at(-1), (1969, 12, 31, 23, 59, 59));
        assert_eq!(at(253_402_300_799), (9999, 12, 31, 23, 59, 59));
    }

    #[test]
    fn days_from_civil_undoes_civil() {
        for s in [
            0,
            951_782_400,
            1_784_889_060,
            -86_400 * 400,
            253_402_214_400,
        ] {
            let c = civil(s);
            let days = days_from_civil(c.year, i64::from(c.month), i64::from(c.day));
            assert_eq!(days * 86_400, s - s.rem_euclid(86_400), "at {s}");
        }
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        let at = |y, m, d, secs: i64| days_from_civil(y, m, d) * 86_400 + secs;
        let ten_past = 10 * 3600 + 31 * 60;
        // a year from 24 July 2026 is 24 July 2027, whatever February holds
        assert_eq!(
            add_months(at(2026, 7, 24, ten_past), 12),
            Some(at(2027, 7, 24, ten_past))
        );
        assert_eq!(add_months(at(2027, 7, 24, 0), 12), Some(at(2028, 7, 24, 0)));
        // the 31st into shorter months, leap and not
        assert_eq!(add_months(at(2026, 1, 31, 5), 1), Some(at(2026, 2, 28, 5)));
        assert_eq!(add_months(at(2028, 1, 31, 5), 1), Some(at(2028, 2, 29, 5)));
        assert_eq!(add_months(at(2028, 2, 29, 0), 12), Some(at(2029, 2, 28, 0)));
        assert_eq!(add_months(at(2026, 3, 31, 0), 1), Some(at(2026, 4, 30, 0)));
        // across the year end, and many years
        assert_eq!(add_months(at(2026, 11, 30, 0), 3), Some(at(2027, 2, 28, 0)));
        assert_eq!(
            add_months(at(2026, 1, 1, 0), 12 * 30),
            Some(at(2056, 1, 1, 0))
        );
        assert_eq!(add_months(0, i64::MAX), None);
        // months that still fit as a month count but put the year past any second: None, not
        // an overflow in the day count (found by the inf_doc fuzz target, `ValidityPeriod`)
        for months in [
            i64::MAX / 2,
            i64::MIN / 2,
            12 * 300_000_000_000,
            -12 * 300_000_000_000,
        ] {
            assert_eq!(add_months(0, months), None, "{months}");
        }
        assert!(
            add_months(0, 12 * 200_000_000_000).is_some(),
            "far, and still a second"
        );
    }

    #[test]
    fn x509_time_is_what_the_der_crate_encodes() {
        // every day boundary of several years on each side of 2050, and odd seconds
        let mut samples: Vec<i64> = (0..200).map(|i| i * 37 * 86_400 + i * 4_099).collect();
        samples.extend([2_524_607_999, 2_524_608_000, 253_402_300_799, 1_784_889_060]);
        samples.extend((0..400).map(|i| 2_400_000_000 + i * 1_000_003));
        for s in samples {
            let ours = x509_time_der(s).unwrap();
            let date = der::DateTime::from_unix_duration(core::time::Duration::from_secs(s as u64))
                .unwrap();
            let theirs = x509_cert::time::Time::from(date).to_der().unwrap();
            assert_eq!(ours, theirs, "at {s}");
        }
        assert_eq!(x509_time_der(-1), None);
        assert_eq!(x509_time_der(253_402_300_800), None, "the year 10000");
    }
}
