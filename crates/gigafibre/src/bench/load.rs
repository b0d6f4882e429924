//! A small HTTP load generator: a fixed number of connections, each sending
//! its next request as soon as the last one answered, for a fixed time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

/// What one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers that were not the expected status.
    pub unexpected: u64,
}

/// Builds request number `n` on a client.
pub type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// Runs `connections` loops for `duration`; an answer other than `expected`
/// is counted, not retried.
pub async fn run(make: MakeRequest, expected: u16, connections: u64, duration: Duration) -> Load {
    let client = reqwest::Client::builder().pool_max_idle_per_host(connections as usize).build().unwrap_or_default();
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..connections {
        let (client, make) = (client.clone(), make.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut unexpected = 0;
            let mut n = worker;
            while started.elapsed() < duration {
                let sent = Instant::now();
                let ok = match make(&client, n).send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let _ = response.bytes().await;
                        status == expected
                    }
                    Err(_) => false,
                };
                latencies.push(sent.elapsed());
                if !ok {
                    unexpected += 1;
                }
                n += connections;
            }
            (latencies, unexpected)
        }));
    }
    let mut latencies = Vec::new();
    let mut unexpected = 0;
    for worker in workers {
        if let Ok((mut worker_latencies, worker_unexpected)) = worker.await {
            latencies.append(&mut worker_latencies);
            unexpected += worker_unexpected;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Load {
        requests: latencies.len() as u64,
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        unexpected,
    }
}

/// Latencies of requests sent one at a time (no queueing: server time plus loopback).
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub requests: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    /// Answers that were not the expected status.
    pub unexpected: u64,
}

/// Sends `count` requests one after the other and measures each.
pub async fn sequential(make: MakeRequest, expected: u16, count: u64) -> Latency {
    let client = reqwest::Client::new();
    let mut latencies = Vec::with_capacity(count as usize);
    let mut unexpected = 0;
    for n in 0..count {
        let sent = Instant::now();
        match make(&client, n).send().await {
            Ok(response) => {
                if response.status().as_u16() != expected {
                    unexpected += 1;
                }
                let _ = response.bytes().await;
            }
            Err(_) => unexpected += 1,
        }
        latencies.push(sent.elapsed());
    }
    Latency::of(latencies, unexpected)
}

impl Latency {
    /// The percentiles of measured durations.
    pub fn of(mut latencies: Vec<Duration>, unexpected: u64) -> Latency {
        latencies.sort();
        let at = |q: f64| {
            latencies
                .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        let requests = latencies.len() as u64;
        Latency { requests, p50_ms: at(0.50), p95_ms: at(0.95), max_ms: at(1.0), unexpected }
    }
}

/// The median of sequential requests, one at a time.
pub async fn median_ms(make: MakeRequest, count: u64) -> f64 {
    sequential(make, 200, count).await.p50_ms
}

/// Serves `app` on a free loopback port, in the background.
pub async fn serve(app: axum::Router) -> anyhow::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(address)
}
