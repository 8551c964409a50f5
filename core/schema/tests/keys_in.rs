//! `section_keys` (and `keys_in` over it) finds a section's first key and takes the ones after
//! it that share its section: right only while each section's keys stand together in the table.

use certreq_schema::{KEYS, keys_in, section_keys};

#[test]
fn each_sections_keys_stand_together() {
    let mut seen: Vec<&str> = Vec::new();
    for pair in KEYS.windows(2) {
        if pair[0].section != pair[1].section {
            seen.push(pair[0].section);
            assert!(
                !seen.iter().any(|s| s.eq_ignore_ascii_case(pair[1].section)),
                "[{}] has keys in two places in the table",
                pair[1].section
            );
        }
    }
}

#[test]
fn keys_in_gives_every_key_of_the_section_in_table_order() {
    for section in KEYS.iter().map(|k| k.section) {
        let wanted: Vec<&str> = KEYS
            .iter()
            .filter(|k| k.section.eq_ignore_ascii_case(section))
            .map(|k| k.key)
            .collect();
        for asked in [
            section.to_owned(),
            section.to_ascii_lowercase(),
            format!("[{}]", section.to_ascii_uppercase()),
            format!(" [ {section} ] "),
        ] {
            let got: Vec<&str> = keys_in(&asked).map(|k| k.key).collect();
            assert_eq!(got, wanted, "keys_in({asked:?})");
            let run: Vec<&str> = section_keys(&asked).iter().map(|k| k.key).collect();
            assert_eq!(run, wanted, "section_keys({asked:?})");
        }
    }
    assert_eq!(keys_in("NoSuchSection").count(), 0);
    assert_eq!(keys_in("").count(), 0);
    assert!(section_keys("NoSuchSection").is_empty());
}
