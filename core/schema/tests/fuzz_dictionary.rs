//! The INF fuzz targets' dictionary (`tests/fuzz/dict/inf.dict`) is the schema's: every section,
//! key and token, so that the fuzzer spells them right from its first run. When the schema
//! changes, write it again with
//! `CERTREQ_WRITE_DICT=1 cargo test -p certreq-schema --test fuzz_dictionary`.

use certreq_schema::{KEYS, SECTIONS, TOKENS};

/// The dictionary as libFuzzer reads it: one quoted string a line (`"\"` and `"\\"` escaped).
fn dictionary() -> String {
    let mut words: Vec<String> = Vec::new();
    let mut add = |w: String| {
        if !words.contains(&w) {
            words.push(w);
        }
    };
    for s in SECTIONS {
        add(format!("[{}]", s.name));
    }
    for k in KEYS {
        add(k.key.to_string());
        add(format!("{} = ", k.key));
    }
    for t in TOKENS {
        add(t.token.to_string());
        for also in t.also {
            add(also.to_string());
        }
    }
    for w in [
        "_continue_",
        "%",
        "\"",
        "\r\n",
        ";",
        "&",
        "=",
        "|",
        "0x",
        "TRUE",
        "FALSE",
    ] {
        add(w.to_string());
    }
    let mut out = String::from(
        "# The INF keys, sections and tokens of certreq-schema, for the INF fuzz targets.\n\
         # Written by core/schema/tests/fuzz_dictionary.rs (which checks it); do not edit.\n",
    );
    for w in words {
        let escaped: String = w
            .chars()
            .flat_map(|c| match c {
                '"' => vec!['\\', '"'],
                '\\' => vec!['\\', '\\'],
                '\r' => "\\x0d".chars().collect(),
                '\n' => "\\x0a".chars().collect(),
                c => vec![c],
            })
            .collect();
        out.push_str(&format!("\"{escaped}\"\n"));
    }
    out
}

#[test]
fn the_fuzz_dictionary_is_the_schemas() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz/dict/inf.dict");
    let want = dictionary();
    if std::env::var_os("CERTREQ_WRITE_DICT").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not the schema's dictionary: write it again with CERTREQ_WRITE_DICT=1 cargo test \
         -p certreq-schema --test fuzz_dictionary",
        path.display()
    );
}
