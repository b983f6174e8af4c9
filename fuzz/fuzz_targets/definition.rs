//! Any text as a definition: the JSON reader, its source map, the model, validation and every
//! diagnostic's location. Seeds: the examples' and the AWS-recorded cases' definitions.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let compiled = asl::compile(text);
        for d in compiled.diagnostics() {
            let _ = (d.severity.to_string(), &d.message, d.span);
        }
        let _ = compiled.json();
    }
});
