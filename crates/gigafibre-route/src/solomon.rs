//! The Solomon VRPTW instances (original text layout) and the best-known
//! solutions table, as problems of ours: identical vehicles with a
//! capacity at the depot, customers with demand, window and service time,
//! Euclidean travel, fewest vehicles first and then distance.

use crate::{Job, Objective, Point, Problem, Technician, Window};

#[derive(Debug, thiserror::Error)]
pub enum SolomonError {
    #[error("{0}: not a Solomon instance ({1})")]
    Format(String, &'static str),
}

/// An instance: its name and the problem it poses.
#[derive(Debug, Clone)]
pub struct Instance {
    pub name: String,
    pub problem: Problem,
}

impl Instance {
    /// The class: C1, C2, R1, R2, RC1 or RC2.
    pub fn class(&self) -> String {
        class_of(&self.name)
    }
}

/// The class of an instance name: `RC208` is in RC2.
pub fn class_of(name: &str) -> String {
    let letters = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &name[letters.len()..];
    format!("{letters}{}", digits.chars().next().unwrap_or('?'))
}

fn numbers(line: &str) -> Option<Vec<f64>> {
    line.split_whitespace().map(|word| word.parse().ok()).collect()
}

/// Reads one instance from its text.
pub fn parse(text: &str) -> Result<Instance, SolomonError> {
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
    let name = lines.next().unwrap_or_default().to_owned();
    let bad = |why| SolomonError::Format(name.clone(), why);
    let rows: Vec<Vec<f64>> = lines.filter_map(numbers).filter(|row| !row.is_empty()).collect();
    let fleet = rows.first().filter(|row| row.len() == 2).ok_or_else(|| bad("no vehicle count and capacity"))?;
    let (vehicles, capacity) = (fleet[0] as usize, fleet[1] as u32);
    let nodes = &rows[1..];
    if nodes.iter().any(|row| row.len() != 7) {
        return Err(bad("a customer row without 7 columns"));
    }
    let depot = nodes.first().ok_or_else(|| bad("no depot"))?;
    let depot_point = Point { x: depot[1], y: depot[2] };
    let technicians = (1..=vehicles)
        .map(|number| Technician {
            id: format!("v{number}"),
            start: depot_point,
            end: depot_point,
            shift: Window::new(depot[4], depot[5]),
            lunch: None,
            skills: Vec::new(),
            capacity: Some(capacity),
        })
        .collect();
    let jobs = nodes[1..]
        .iter()
        .map(|row| Job {
            id: format!("{}", row[0] as u32),
            place: Point { x: row[1], y: row[2] },
            duration: row[6],
            skills: Vec::new(),
            window: Window::new(row[4], row[5]),
            priority: 0,
            demand: row[3] as u32,
            locked_to: None,
        })
        .collect();
    Ok(Instance { name, problem: Problem { technicians, jobs, objective: Objective::FewestRoutesThenDistance } })
}

/// A best-known solution under the hierarchical (SINTEF) ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct BestKnown {
    pub instance: String,
    pub vehicles: usize,
    pub distance: f64,
}

/// Reads `best-known.tsv`: a header, then instance, SINTEF vehicles and distance, …
pub fn parse_best_known(text: &str) -> Vec<BestKnown> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let instance = columns.next()?.trim().to_owned();
            let vehicles = columns.next()?.trim().parse().ok()?;
            let distance = columns.next()?.trim().parse().ok()?;
            Some(BestKnown { instance, vehicles, distance })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "C101

VEHICLE
NUMBER     CAPACITY
  25         200

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0       40         50          0          0       1236          0
    1       45         68         10        912        967         90
    2       45         70         30        825        870         90
";

    #[test]
    fn an_instance_reads_as_identical_vehicles_and_customers() {
        let instance = parse(SAMPLE).unwrap();
        assert_eq!(instance.name, "C101");
        assert_eq!(instance.class(), "C1");
        let problem = &instance.problem;
        assert_eq!(problem.technicians.len(), 25);
        assert_eq!(problem.technicians[0].capacity, Some(200));
        assert_eq!(problem.technicians[0].shift, Window::new(0.0, 1236.0));
        assert_eq!(problem.jobs.len(), 2);
        let second = &problem.jobs[1];
        assert_eq!((second.id.as_str(), second.demand, second.duration), ("2", 30, 90.0));
        assert_eq!(second.window, Window::new(825.0, 870.0));
        assert_eq!(second.place, Point { x: 45.0, y: 70.0 });
    }

    #[test]
    fn a_truncated_file_is_refused() {
        assert!(parse("R101\nVEHICLE\n").is_err());
    }

    #[test]
    fn the_best_known_table_reads_the_sintef_columns() {
        let table = parse_best_known(
            "instance\tsintef_vehicles\tsintef_distance\tdimacs_routes\tdimacs_distance\nRC208\t3\t776.1\t4\t776.1\n",
        );
        assert_eq!(table, vec![BestKnown { instance: "RC208".into(), vehicles: 3, distance: 776.1 }]);
        assert_eq!(class_of("RC208"), "RC2");
    }
}
