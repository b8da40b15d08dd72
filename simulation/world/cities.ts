/** The built-in city list of the h3 world (data only, so the scenario schema can bound `world.cities`). */

/** A city: centre in degrees, population (people; only ratios matter). */
export interface City {
  readonly name: string;
  readonly lat: number;
  readonly lng: number;
  readonly population: number;
}

/**
 * Built-in cities: 40 large metropolitan areas, largest first, with rounded urban-agglomeration populations
 * (millions, the order of UN World Urbanization Prospects estimates; for weighting devices only).
 */
export const WORLD_CITIES: readonly City[] = (
  [
    ["Tokyo", 35.6895, 139.6917, 37.4],
    ["Delhi", 28.6139, 77.209, 31.0],
    ["Shanghai", 31.2304, 121.4737, 27.1],
    ["São Paulo", -23.5505, -46.6333, 22.0],
    ["Mexico City", 19.4326, -99.1332, 21.8],
    ["Dhaka", 23.8103, 90.4125, 21.0],
    ["Cairo", 30.0444, 31.2357, 20.9],
    ["Beijing", 39.9042, 116.4074, 20.5],
    ["Mumbai", 19.076, 72.8777, 20.4],
    ["Osaka", 34.6937, 135.5023, 19.2],
    ["New York", 40.7128, -74.006, 18.8],
    ["Karachi", 24.8607, 67.0011, 16.1],
    ["Buenos Aires", -34.6037, -58.3816, 15.2],
    ["Istanbul", 41.0082, 28.9784, 15.2],
    ["Kolkata", 22.5726, 88.3639, 14.9],
    ["Lagos", 6.5244, 3.3792, 14.4],
    ["Kinshasa", -4.4419, 15.2663, 14.3],
    ["Manila", 14.5995, 120.9842, 13.9],
    ["Rio de Janeiro", -22.9068, -43.1729, 13.5],
    ["Guangzhou", 23.1291, 113.2644, 13.3],
    ["Moscow", 55.7558, 37.6173, 12.5],
    ["Los Angeles", 34.0522, -118.2437, 12.4],
    ["Paris", 48.8566, 2.3522, 11.0],
    ["Jakarta", -6.2088, 106.8456, 10.8],
    ["Lima", -12.0464, -77.0428, 10.7],
    ["Bogotá", 4.711, -74.0721, 10.6],
    ["Bangkok", 13.7563, 100.5018, 10.5],
    ["Seoul", 37.5665, 126.978, 10.0],
    ["London", 51.5074, -0.1278, 9.3],
    ["Chicago", 41.8781, -87.6298, 8.9],
    ["Madrid", 40.4168, -3.7038, 6.6],
    ["Toronto", 43.6532, -79.3832, 6.2],
    ["Miami", 25.7617, -80.1918, 6.1],
    ["Johannesburg", -26.2041, 28.0473, 5.8],
    ["Singapore", 1.3521, 103.8198, 5.8],
    ["Sydney", -33.8688, 151.2093, 4.9],
    ["Nairobi", -1.2921, 36.8219, 4.7],
    ["Berlin", 52.52, 13.405, 3.6],
    ["San Francisco", 37.7749, -122.4194, 3.3],
    ["Lisbon", 38.7223, -9.1393, 2.9],
  ] as const
).map(([name, lat, lng, millions]) => ({ name, lat, lng, population: millions * 1e6 }));
