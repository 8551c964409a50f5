//! devca's form and query decoding (`Params`, percent-decoding, armored base64) and its HTML
//! escaping, on any bytes: escaped text holds no markup characters.
#![no_main]
use devca::util;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let params = util::Params::parse_bytes(data);
    for (name, value) in &params.0 {
        let _ = params.get(name);
        let _ = util::decode_armoured_base64(value);
        let escaped = util::html_escape(value);
        assert!(!escaped.contains(['<', '>', '"', '\'']), "{escaped:?}");
    }
    let text = String::from_utf8_lossy(data);
    let _ = util::percent_decode(&text, false);
    let _ = util::decode_armoured_base64(&text);
});
