//! Where travel distances and times come from.

use crate::Point;

/// One leg between two places, in the problem's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leg {
    pub distance: f64,
    pub duration: f64,
}

/// A source of travel: an estimate from coordinates, or a matrix from a
/// routing service behind the same call.
pub trait Travel: Send + Sync {
    fn leg(&self, from: Point, to: Point) -> Leg;
}

/// Straight-line distance on the plane; travel time equals distance (the
/// Solomon convention).
#[derive(Debug, Clone, Copy, Default)]
pub struct Euclidean;

impl Travel for Euclidean {
    fn leg(&self, from: Point, to: Point) -> Leg {
        let distance = (from.x - to.x).hypot(from.y - to.y);
        Leg { distance, duration: distance }
    }
}

/// Road distance estimated from longitude/latitude: the great-circle
/// distance times a road factor, driven at an average speed. Metres and
/// seconds.
#[derive(Debug, Clone, Copy)]
pub struct RoadEstimate {
    /// Road distance over straight-line distance (1.3 to 1.4 in towns).
    pub road_factor: f64,
    /// Average driving speed, km/h.
    pub speed_kmh: f64,
}

impl Default for RoadEstimate {
    fn default() -> Self {
        Self { road_factor: 1.35, speed_kmh: 45.0 }
    }
}

const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// Great-circle distance in metres between two longitude/latitude points.
pub fn haversine_m(from: Point, to: Point) -> f64 {
    let (lat1, lat2) = (from.y.to_radians(), to.y.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (to.x - from.x).to_radians();
    let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

impl Travel for RoadEstimate {
    fn leg(&self, from: Point, to: Point) -> Leg {
        let distance = haversine_m(from, to) * self.road_factor;
        Leg { distance, duration: distance / (self.speed_kmh / 3.6) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euclidean_time_equals_distance() {
        let leg = Euclidean.leg(Point { x: 0.0, y: 0.0 }, Point { x: 3.0, y: 4.0 });
        assert_eq!(leg, Leg { distance: 5.0, duration: 5.0 });
    }

    #[test]
    fn montreal_to_quebec_is_about_230_km_as_the_crow_flies() {
        let montreal = Point { x: -73.5673, y: 45.5017 };
        let quebec = Point { x: -71.2080, y: 46.8139 };
        let km = haversine_m(montreal, quebec) / 1000.0;
        assert!((230.0..236.0).contains(&km), "{km}");
        let leg = RoadEstimate::default().leg(montreal, quebec);
        assert!((leg.duration / 3600.0 - km * 1.35 / 45.0).abs() < 0.01);
    }
}
