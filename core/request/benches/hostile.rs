//! Hostile shapes: INF files built to make the reader or the lowering slow, each about as
//! large as the 4 MiB the CLI and the app accept. Every one must compile in well under a
//! second (the time grows linearly with the size); a shape that regresses shows here.
//!
//! `cargo bench -p certreq-request --bench hostile` (or `scripts/bench.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: any failure is the run's

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

const HEAD: &str = "[NewRequest]\nSubject = \"CN=hostile\"\n";

/// The shapes, by name.
fn shapes() -> Vec<(&'static str, String)> {
    let repeat = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<String>();
    vec![
        (
            "250k small sections",
            format!("{HEAD}{}", repeat(250_000, &|i| format!("[S{i}]\nk=v\n"))),
        ),
        (
            "250k unknown keys",
            format!("{HEAD}{}", repeat(250_000, &|i| format!("Key{i}x = v\n"))),
        ),
        (
            "200k repeated keys",
            format!(
                "{HEAD}{}",
                repeat(200_000, &|_| "Exportable = TRUE\n".into())
            ),
        ),
        (
            "100k strings used 100k times",
            format!(
                "[Strings]\n{}{HEAD}[RequestAttributes]\n{}",
                repeat(100_000, &|i| format!("n{i} = v{i}\n")),
                repeat(100_000, &|i| format!("a{i} = %n{i}%\n"))
            ),
        ),
        (
            "100k _continue_ lines of one SAN",
            format!(
                "{HEAD}[Extensions]\n2.5.29.17 = \"{{text}}\"\n{}",
                repeat(100_000, &|_| "_continue_ = \"dns=a.example&\"\n".into())
            ),
        ),
        (
            "one 2 MiB subject",
            format!("[NewRequest]\nSubject = \"CN={}\"\n", "a".repeat(2 << 20)),
        ),
        (
            "100k headers of one section",
            format!("{HEAD}{}", repeat(100_000, &|_| "[X]\nk=v\n".into())),
        ),
        (
            "100k unknown sections misspelt",
            format!(
                "{HEAD}{}",
                repeat(100_000, &|i| format!("[NewReqest{i}]\n"))
            ),
        ),
    ]
}

fn hostile(c: &mut Criterion) {
    let mut g = c.benchmark_group("hostile INF shapes");
    g.sample_size(10);
    for (name, text) in shapes() {
        assert!(text.len() <= 4 << 20, "{name}: {} bytes", text.len());
        g.bench_function(name, |b| {
            b.iter(|| certreq_request::compile(black_box(&text)))
        });
    }
    g.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);
