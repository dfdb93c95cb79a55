//! Diff of two consecutive versions of a profile with 100,000 attributes (issue 14: the diff
//! and the re-render that follows together under 16 ms; this measures the diff part).
//!
//! Cases: nothing changed; a handful of values changed (the common refresh); every value
//! changed; the same keys in a different order (the slow path through the key map); and,
//! through `Watch::on_success`, the whole refresh step (diff, ring, marks).
//!
//! `nice cargo bench --bench watch`; numbers are recorded in BENCHMARKS.md.

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
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use userscope::profile::{Field, Profile};
use userscope::watch::{Ignore, Watch, diff};

const ATTRIBUTES: usize = 100_000;

/// Varied values, as real custom attributes are.
fn value(i: usize) -> Value {
    match i % 6 {
        0 => json!(format!("value number {i} for this user")),
        1 => json!(i as u64 * 7919),
        2 => json!(i % 3 == 1),
        3 => json!(null),
        4 => json!({"plan": "pro", "seats": i % 50}),
        _ => json!(["alpha", "beta", i]),
    }
}

fn profile(values: impl Fn(usize) -> Value) -> Profile {
    Profile {
        id: Some("u-1".to_owned()),
        display_name: Some("Load Test".to_owned()),
        attributes: (0..ATTRIBUTES)
            .map(|i| Field::new(format!("attribute_{i:06}"), values(i)))
            .collect(),
        ..Profile::default()
    }
}

fn bench(c: &mut Criterion) {
    let old = profile(value);
    let few = profile(|i| {
        if i % 20_000 == 7 {
            json!(i + 1)
        } else {
            value(i)
        }
    });
    let all = profile(|i| json!(format!("changed {i}")));
    let mut shuffled = old.clone();
    shuffled.attributes.reverse();
    let ignore = Ignore::default();

    let mut group = c.benchmark_group("watch_diff_100k_attributes");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    for (name, new) in [
        ("unchanged", &old),
        ("5_changed", &few),
        ("all_changed", &all),
        ("reordered", &shuffled),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(diff(black_box(&old), black_box(new), &ignore)))
        });
    }
    group.bench_function("on_success_5_changed", |b| {
        b.iter_batched(
            || {
                let w = Watch::new(
                    old.clone(),
                    Utc::now(),
                    Instant::now(),
                    Duration::from_secs(10),
                    Ignore::default(),
                );
                (w, few.clone())
            },
            |(mut w, version)| {
                black_box(w.on_success(Instant::now(), Utc::now(), version).diff.len());
                w
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
