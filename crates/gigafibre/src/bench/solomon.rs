//! `gigafibre bench dispatch --solomon DIR`: the 56 Solomon instances
//! through the same interface as a dispatch day, every solution checked,
//! against the best-known solutions (fewest vehicles first, then distance).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use gigafibre_route::solomon::{self, BestKnown, Instance};
use gigafibre_route::{Euclidean, Settings, StopKind};
use serde::Serialize;

/// One instance solved.
#[derive(Debug, Serialize)]
pub struct SolomonRun {
    pub instance: String,
    pub vehicles: usize,
    pub distance: f64,
    /// Checked by our feasibility checker, every customer served.
    pub feasible: bool,
    /// Each route's customer numbers in visiting order.
    pub routes: Vec<Vec<u32>>,
    pub best_known_vehicles: usize,
    pub best_known_distance: f64,
    pub seconds: f64,
}

impl SolomonRun {
    pub fn class(&self) -> String {
        solomon::class_of(&self.instance)
    }

    pub fn same_vehicles(&self) -> bool {
        self.feasible && self.vehicles == self.best_known_vehicles
    }

    pub fn distance_gap_percent(&self) -> f64 {
        (self.distance / self.best_known_distance - 1.0) * 100.0
    }
}

/// A group of runs (a class, or all of them) against the best known.
#[derive(Debug, Serialize)]
pub struct SolomonTotals {
    pub group: String,
    pub instances: usize,
    pub feasible: usize,
    pub vehicles: usize,
    pub best_known_vehicles: usize,
    /// Vehicles over best known, percent.
    pub vehicles_gap_percent: f64,
    /// Instances where our vehicle count equals the best known.
    pub matching: usize,
    /// Total distance over best known on the matching instances, percent
    /// (none when no instance matches).
    pub distance_gap_percent: Option<f64>,
    /// Total distance over best known on all instances, percent.
    pub distance_gap_all_percent: f64,
}

impl SolomonTotals {
    pub fn of(group: &str, runs: &[&SolomonRun]) -> Self {
        let vehicles: usize = runs.iter().map(|r| r.vehicles).sum();
        let best_known_vehicles: usize = runs.iter().map(|r| r.best_known_vehicles).sum();
        let matching: Vec<_> = runs.iter().filter(|r| r.same_vehicles()).collect();
        let gap = |ours: f64, best: f64| if best > 0.0 { (ours / best - 1.0) * 100.0 } else { 0.0 };
        Self {
            group: group.to_owned(),
            instances: runs.len(),
            feasible: runs.iter().filter(|r| r.feasible).count(),
            vehicles,
            best_known_vehicles,
            vehicles_gap_percent: gap(vehicles as f64, best_known_vehicles as f64),
            matching: matching.len(),
            distance_gap_percent: (!matching.is_empty()).then(|| {
                gap(matching.iter().map(|r| r.distance).sum(), matching.iter().map(|r| r.best_known_distance).sum())
            }),
            distance_gap_all_percent: gap(
                runs.iter().map(|r| r.distance).sum(),
                runs.iter().map(|r| r.best_known_distance).sum(),
            ),
        }
    }
}

/// Per class (C1, C2, R1, R2, RC1, RC2), then all together.
pub fn totals(runs: &[SolomonRun]) -> Vec<SolomonTotals> {
    let mut classes: BTreeMap<String, Vec<&SolomonRun>> = BTreeMap::new();
    for run in runs {
        classes.entry(run.class()).or_default().push(run);
    }
    let mut totals: Vec<_> = classes.iter().map(|(class, runs)| SolomonTotals::of(class, runs)).collect();
    totals.push(SolomonTotals::of("all", &runs.iter().collect::<Vec<_>>()));
    totals
}

/// The instances of `dir` (all of them, or those named), in name order.
pub fn instances(dir: &Path, names: &[String]) -> anyhow::Result<(Vec<Instance>, Vec<BestKnown>)> {
    let best_path = dir.join("best-known.tsv");
    let best = solomon::parse_best_known(
        &std::fs::read_to_string(&best_path).with_context(|| format!("reading {}", best_path.display()))?,
    );
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    let mut instances = Vec::new();
    for path in files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_uppercase();
        if !names.is_empty() && !names.iter().any(|name| name.eq_ignore_ascii_case(&stem)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        instances.push(solomon::parse(&text)?);
    }
    if let Some(missing) = names.iter().find(|name| !instances.iter().any(|i| i.name.eq_ignore_ascii_case(name))) {
        anyhow::bail!("there is no instance {missing} in {}", dir.display());
    }
    Ok((instances, best))
}

/// Solves one instance on one thread within `seconds` and checks it.
pub fn run(instance: &Instance, best: &[BestKnown], seconds: f64) -> anyhow::Result<SolomonRun> {
    let known = best
        .iter()
        .find(|b| b.instance.eq_ignore_ascii_case(&instance.name))
        .with_context(|| format!("{} is not in best-known.tsv", instance.name))?;
    let settings = Settings { seconds, generations: None, threads: 1 };
    let started = Instant::now();
    let outcome = gigafibre_route::solve(&instance.problem, &Euclidean, &settings);
    let seconds = started.elapsed().as_secs_f64();
    let (feasible, vehicles, distance, routes) = match outcome {
        Ok(plan) => {
            let routes: Vec<Vec<u32>> = plan
                .routes
                .iter()
                .map(|route| {
                    route
                        .stops
                        .iter()
                        .filter_map(|stop| match &stop.kind {
                            StopKind::Job(id) => id.parse().ok(),
                            StopKind::Lunch => None,
                        })
                        .collect()
                })
                .collect();
            (plan.unassigned.is_empty(), plan.routes.len(), plan.distance(), routes)
        }
        Err(_) => (false, 0, 0.0, Vec::new()),
    };
    Ok(SolomonRun {
        instance: instance.name.clone(),
        vehicles,
        distance,
        feasible,
        routes,
        best_known_vehicles: known.vehicles,
        best_known_distance: known.distance,
        seconds,
    })
}

/// Solves the instances one after the other and prints each, then the
/// classes and the totals (or, with `json`, one object per instance).
/// Fails when any solution is infeasible.
pub fn report(dir: &Path, names: &[String], seconds: f64, json: bool) -> anyhow::Result<ExitCode> {
    let (instances, best) = instances(dir, names)?;
    if !json {
        println!(
            "{} instances, {seconds} s each on one thread; best known: SINTEF (vehicles, then distance)",
            instances.len()
        );
        println!(
            "{:<8} {:>8} {:>10} {:>8} {:>10} {:>8}  feasible",
            "instance", "vehicles", "distance", "best", "distance", "gap %"
        );
    }
    let mut runs = Vec::new();
    for instance in &instances {
        let run = run(instance, &best, seconds)?;
        if !json {
            println!(
                "{:<8} {:>8} {:>10.2} {:>8} {:>10.2} {:>8} {}",
                run.instance,
                run.vehicles,
                run.distance,
                run.best_known_vehicles,
                run.best_known_distance,
                if run.same_vehicles() { format!("{:+.2}", run.distance_gap_percent()) } else { "—".to_owned() },
                if run.feasible { "yes" } else { "NO" },
            );
        }
        runs.push(run);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&runs)?);
    } else {
        println!();
        println!(
            "{:<6} {:>9} {:>8} {:>9} {:>9} {:>10} {:>9} {:>10} {:>10}",
            "class",
            "instances",
            "feasible",
            "vehicles",
            "best",
            "vehicles %",
            "same-veh.",
            "distance %",
            "all dist. %"
        );
        for total in totals(&runs) {
            println!(
                "{:<6} {:>9} {:>8} {:>9} {:>9} {:>+10.2} {:>9} {:>10} {:>+10.2}",
                total.group,
                total.instances,
                total.feasible,
                total.vehicles,
                total.best_known_vehicles,
                total.vehicles_gap_percent,
                total.matching,
                total.distance_gap_percent.map_or_else(|| "—".to_owned(), |gap| format!("{gap:+.2}")),
                total.distance_gap_all_percent,
            );
        }
        println!(
            "(distance %: the instances where our vehicle count equals the best known; all dist. %: every instance)"
        );
    }
    Ok(if runs.iter().all(|r| r.feasible) { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(instance: &str, vehicles: usize, distance: f64, best: (usize, f64)) -> SolomonRun {
        SolomonRun {
            instance: instance.into(),
            vehicles,
            distance,
            feasible: true,
            routes: Vec::new(),
            best_known_vehicles: best.0,
            best_known_distance: best.1,
            seconds: 0.0,
        }
    }

    #[test]
    fn classes_count_vehicles_and_compare_distance_only_where_vehicles_match() {
        let runs = vec![
            run("C101", 10, 838.94, (10, 828.94)),
            run("C102", 11, 900.0, (10, 828.94)),
            run("RC201", 4, 1300.0, (4, 1261.8)),
        ];
        let totals = totals(&runs);
        let groups: Vec<&str> = totals.iter().map(|t| t.group.as_str()).collect();
        assert_eq!(groups, ["C1", "RC2", "all"]);
        let c1 = &totals[0];
        assert_eq!((c1.vehicles, c1.best_known_vehicles, c1.matching), (21, 20, 1));
        assert!((c1.vehicles_gap_percent - 5.0).abs() < 1e-9);
        assert!((c1.distance_gap_percent.unwrap() - 10.0 / 828.94 * 100.0).abs() < 1e-9);
        assert_eq!(totals[2].instances, 3);
    }
}
