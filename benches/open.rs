//! `userscope open` on a large saved Coho payload, phase by phase: the Raw index, what the
//! Raw pane does with it (search, fold-all, a deep path), the identity from the file's head,
//! the `Value` parse sized from the index against a plain parse, and the whole load. The
//! payload has the documented shape `benches/open_vs_jless.sh` generates (custom properties of
//! mixed types, `{id, name, timeframe, value}` calculated properties, tags).
//!
//! `cargo bench --bench open` (10 MB); `USERSCOPE_BENCH_MB=50 cargo bench --bench open` for the
//! size the jless comparison uses. Numbers are recorded in BENCHMARKS.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a benchmark stops at its first broken input; its own numbers are not from the network"
)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};
use userscope::json::{JsonTree, index};
use userscope::open::{FileJob, load_identity};
use userscope::tui::view::load_view;
use userscope::vendors::VendorKind;

fn value(i: usize) -> Value {
    match i % 6 {
        0 => json!(format!("value {i} Zürich 東京 🎉")),
        1 => json!(i as f64 * 1.25),
        2 => json!(i.is_multiple_of(4)),
        3 => json!(null),
        4 => json!({"id": i, "tags": ["a", "b", i], "ok": true}),
        _ => json!([i, format!("s{i}"), {"n": null}]),
    }
}

/// About `mb` MB (10^6 bytes) of payload.
fn payload(mb: usize) -> bytes::Bytes {
    let body = |n: usize| {
        let props: Map<String, Value> =
            (0..n).map(|i| (format!("prop-{i:07}"), value(i))).collect();
        let calc: Vec<Value> = (0..n)
            .map(|i| json!({"id": format!("cp-{i}"), "name": format!("Calculated {i}"), "timeframe": 30, "value": i as f64 * 1.5}))
            .collect();
        let tags: Vec<Value> = (0..(n / 100).max(1))
            .map(|i| json!({"key": format!("tag-{i}"), "value": format!("v{i}")}))
            .collect();
        json!({"userProperties": {"userId": "u-bench", "name": "Bench User",
                                  "email": "bench@example.com", "city": "Oslo",
                                  "properties": props},
               "calculatedProperties": calc, "tags": tags})
    };
    let per = serde_json::to_vec(&body(2000)).map_or(1, |b| b.len()) / 2000;
    let bytes = serde_json::to_vec(&body(mb * 1_000_000 / per.max(1))).expect("serializable");
    bytes::Bytes::from(bytes)
}

fn open(c: &mut Criterion) {
    let mb = std::env::var("USERSCOPE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let body = payload(mb);
    let path = Path::new("bench.json");
    let mut group = c.benchmark_group(format!("open_{mb}MB"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));

    group.bench_function("raw_index", |b| b.iter(|| index(black_box(&body))));
    let lines = index(&body);
    group.bench_function("parse_plain", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&body)))
    });
    group.bench_function("parse_sized_from_index", |b| {
        b.iter(|| userscope::json::sized_parse::parse(black_box(&body), &lines))
    });
    group.bench_function("identity_from_head", |b| {
        b.iter(|| load_identity(black_box(&body), VendorKind::COHO, "coho", path))
    });
    group.bench_function("full_load_with_view", |b| {
        b.iter(|| {
            load_view(FileJob {
                bytes: body.clone(),
                vendor: VendorKind::COHO,
                connection: "coho".to_owned(),
                path: path.to_owned(),
            })
        })
    });

    let mut tree = JsonTree::new(body.clone(), lines);
    group.bench_function("raw_search_all_lines", |b| {
        b.iter(|| tree.set_search(black_box("Zürich 1234")))
    });
    group.bench_function("raw_fold_all", |b| {
        b.iter(|| {
            tree.fold_all();
            tree.unfold_all();
        })
    });
    // A row in the middle of the 100,000s-long calculatedProperties array.
    let middle = tree.line_count() * 3 / 4;
    group.bench_function("raw_path_deep_in_a_large_array", |b| {
        b.iter(|| tree.path(black_box(middle)))
    });
    group.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);
