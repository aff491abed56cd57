//! Which country a place is in, from a city name or an airport code.
//!
//! Generated flights need to know whether a route is US domestic, Canadian domestic,
//! US–Canada or something else, from whatever the user typed: "ORD", "Chicago O'Hare",
//! "chicago, il", "Montréal". The table covers every city of the events data set, a few more
//! big airports, their airport codes and the metropolitan codes flight APIs use (NYC, CHI...).

/// Countries the generated flights distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    UnitedStates,
    Canada,
    Mexico,
}

/// The kind of route, which decides airlines and prices of generated flights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteRegion {
    UsDomestic,
    CanadaDomestic,
    UsCanada,
    /// Anything else: Mexico, other countries, places we do not know.
    Other,
}

struct Place {
    country: Country,
    /// Lowercase, accent-free names and aliases, matched as whole words.
    names: &'static [&'static str],
    /// Airport and metropolitan codes.
    codes: &'static [&'static str],
}

use Country::{Canada, Mexico, UnitedStates};

const PLACES: &[Place] = &[
    // United States (and Puerto Rico, which flies as US domestic).
    place(
        UnitedStates,
        &["new york", "nyc", "manhattan", "brooklyn", "newark"],
        &["NYC", "JFK", "LGA", "EWR"],
    ),
    place(
        UnitedStates,
        &["los angeles"],
        &["LAX", "BUR", "LGB", "SNA", "ONT"],
    ),
    place(
        UnitedStates,
        &["chicago", "ohare", "midway"],
        &["CHI", "ORD", "MDW"],
    ),
    place(UnitedStates, &["houston"], &["HOU", "IAH"]),
    place(UnitedStates, &["phoenix", "scottsdale"], &["PHX"]),
    place(UnitedStates, &["philadelphia", "philly"], &["PHL"]),
    place(UnitedStates, &["san antonio"], &["SAT"]),
    place(UnitedStates, &["san diego"], &["SAN"]),
    place(
        UnitedStates,
        &["dallas", "fort worth", "love field"],
        &["DFW", "DAL"],
    ),
    place(UnitedStates, &["austin"], &["AUS"]),
    place(
        UnitedStates,
        &["san francisco", "oakland", "san jose"],
        &["SFO", "OAK", "SJC"],
    ),
    place(UnitedStates, &["seattle", "tacoma"], &["SEA"]),
    place(UnitedStates, &["denver"], &["DEN"]),
    place(UnitedStates, &["washington", "dc"], &["WAS", "DCA", "IAD"]),
    place(UnitedStates, &["boston"], &["BOS"]),
    place(UnitedStates, &["nashville"], &["BNA"]),
    place(UnitedStates, &["las vegas", "vegas"], &["LAS"]),
    place(UnitedStates, &["portland"], &["PDX", "PWM"]),
    place(UnitedStates, &["atlanta"], &["ATL"]),
    place(UnitedStates, &["miami", "fort lauderdale"], &["MIA", "FLL"]),
    place(UnitedStates, &["new orleans"], &["MSY"]),
    place(
        UnitedStates,
        &["minneapolis", "saint paul", "st paul"],
        &["MSP"],
    ),
    place(UnitedStates, &["detroit"], &["DTW"]),
    place(UnitedStates, &["kansas city"], &["MCI"]),
    place(UnitedStates, &["st louis", "saint louis"], &["STL"]),
    place(UnitedStates, &["salt lake city", "salt lake"], &["SLC"]),
    place(UnitedStates, &["albuquerque"], &["ABQ"]),
    place(UnitedStates, &["indianapolis"], &["IND"]),
    place(UnitedStates, &["pittsburgh"], &["PIT"]),
    place(UnitedStates, &["charlotte"], &["CLT"]),
    place(UnitedStates, &["orlando"], &["MCO"]),
    place(UnitedStates, &["honolulu"], &["HNL"]),
    place(UnitedStates, &["anchorage"], &["ANC"]),
    place(UnitedStates, &["milwaukee"], &["MKE"]),
    place(UnitedStates, &["memphis"], &["MEM"]),
    place(UnitedStates, &["baltimore"], &["BWI"]),
    place(UnitedStates, &["tucson"], &["TUS"]),
    place(UnitedStates, &["san juan", "puerto rico"], &["SJU"]),
    place(UnitedStates, &["tampa"], &["TPA"]),
    place(UnitedStates, &["raleigh", "durham"], &["RDU"]),
    place(UnitedStates, &["sacramento"], &["SMF"]),
    place(UnitedStates, &["cleveland"], &["CLE"]),
    place(UnitedStates, &["cincinnati"], &["CVG"]),
    place(UnitedStates, &["columbus"], &["CMH"]),
    // Canada.
    place(Canada, &["toronto", "pearson"], &["YTO", "YYZ", "YTZ"]),
    place(Canada, &["montreal"], &["YMQ", "YUL"]),
    place(Canada, &["vancouver"], &["YVR"]),
    place(Canada, &["calgary"], &["YYC"]),
    place(Canada, &["ottawa"], &["YOW"]),
    place(Canada, &["edmonton"], &["YEA", "YEG"]),
    place(Canada, &["quebec city", "quebec"], &["YQB"]),
    place(Canada, &["winnipeg"], &["YWG"]),
    place(Canada, &["halifax"], &["YHZ"]),
    place(Canada, &["victoria"], &["YYJ"]),
    place(Canada, &["saskatoon"], &["YXE"]),
    place(Canada, &["st johns", "saint johns"], &["YYT"]),
    // Mexico.
    place(
        Mexico,
        &["mexico city", "cdmx", "ciudad de mexico"],
        &["MEX", "NLU"],
    ),
    place(Mexico, &["guadalajara"], &["GDL"]),
    place(Mexico, &["monterrey"], &["MTY"]),
    place(Mexico, &["oaxaca"], &["OAX"]),
    place(Mexico, &["cancun"], &["CUN"]),
    place(Mexico, &["puebla"], &["PBC"]),
];

/// Country words, the last resort for places not in the table ("London, Canada").
const COUNTRY_WORDS: &[(&str, Country)] = &[
    ("united states", UnitedStates),
    ("usa", UnitedStates),
    ("canada", Canada),
    ("mexico", Mexico),
];

const fn place(
    country: Country,
    names: &'static [&'static str],
    codes: &'static [&'static str],
) -> Place {
    Place {
        country,
        names,
        codes,
    }
}

/// The country of a place typed by a user, if we can tell.
///
/// City names are tried first (so "San Antonio" is not mistaken for the code SAN), then
/// three-letter airport codes as whole words, then country names.
pub fn country_of(place: &str) -> Option<Country> {
    let text = normalize(place);
    let padded = format!(" {text} ");
    let by_name = PLACES
        .iter()
        .flat_map(|p| p.names.iter().map(move |name| (name, p.country)))
        .filter(|(name, _)| padded.contains(&format!(" {name} ")))
        .max_by_key(|(name, _)| name.len())
        .map(|(_, country)| country);
    by_name
        .or_else(|| {
            text.split(' ').find_map(|word| {
                PLACES
                    .iter()
                    .find(|p| p.codes.iter().any(|code| code.eq_ignore_ascii_case(word)))
                    .map(|p| p.country)
            })
        })
        .or_else(|| {
            COUNTRY_WORDS
                .iter()
                .find(|(word, _)| padded.contains(&format!(" {word} ")))
                .map(|(_, country)| *country)
        })
}

/// The kind of route between two places.
pub fn classify_route(origin: &str, destination: &str) -> RouteRegion {
    match (country_of(origin), country_of(destination)) {
        (Some(UnitedStates), Some(UnitedStates)) => RouteRegion::UsDomestic,
        (Some(Canada), Some(Canada)) => RouteRegion::CanadaDomestic,
        (Some(UnitedStates), Some(Canada)) | (Some(Canada), Some(UnitedStates)) => {
            RouteRegion::UsCanada
        }
        _ => RouteRegion::Other,
    }
}

/// Lowercase ASCII words separated by single spaces: accents folded, apostrophes and dots
/// dropped ("St. John's" → "st johns"), other punctuation turned into spaces.
fn normalize(text: &str) -> String {
    let folded: String = text
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | '.'))
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Î' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'Ó' | 'Ô' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Û' => 'u',
            'ñ' | 'Ñ' => 'n',
            'ç' | 'Ç' => 'c',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => ' ',
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_and_codes_in_many_spellings_find_their_country() {
        for (text, country) in [
            ("ORD", UnitedStates),
            ("ord", UnitedStates),
            ("Chicago O'Hare", UnitedStates),
            ("chicago, il", UnitedStates),
            ("MDW", UnitedStates),
            ("New York (JFK)", UnitedStates),
            ("San Antonio", UnitedStates),
            ("San Juan, Puerto Rico", UnitedStates),
            ("Washington D.C.", UnitedStates),
            ("YYZ", Canada),
            ("Montréal", Canada),
            ("St. John's", Canada),
            ("Quebec City", Canada),
            ("Vancouver BC", Canada),
            ("Mexico City", Mexico),
            ("CUN", Mexico),
            ("Cancún", Mexico),
            ("GDL", Mexico),
            ("London, Canada", Canada),
        ] {
            assert_eq!(country_of(text), Some(country), "{text}");
        }
        assert_eq!(country_of("Paris"), None);
        assert_eq!(country_of("LHR"), None);
    }

    #[test]
    fn city_names_win_over_codes_hidden_in_words() {
        // "san" is San Diego's code, "las" Las Vegas'; whole city names decide first.
        assert_eq!(country_of("San Antonio"), Some(UnitedStates));
        assert_eq!(country_of("Mexico City"), Some(Mexico));
    }

    #[test]
    fn routes_fall_into_the_four_classes() {
        assert_eq!(classify_route("ORD", "DFW"), RouteRegion::UsDomestic);
        assert_eq!(
            classify_route("Chicago", "Austin, TX"),
            RouteRegion::UsDomestic
        );
        assert_eq!(
            classify_route("YYZ", "Vancouver"),
            RouteRegion::CanadaDomestic
        );
        assert_eq!(
            classify_route("Toronto", "YUL"),
            RouteRegion::CanadaDomestic
        );
        assert_eq!(classify_route("Seattle", "YVR"), RouteRegion::UsCanada);
        assert_eq!(classify_route("YYC", "LAX"), RouteRegion::UsCanada);
        assert_eq!(classify_route("LAX", "MEX"), RouteRegion::Other);
        assert_eq!(classify_route("Guadalajara", "Cancun"), RouteRegion::Other);
        assert_eq!(classify_route("Paris", "JFK"), RouteRegion::Other);
    }

    #[test]
    fn every_events_city_is_in_the_table() {
        let cities = [
            "New York",
            "Los Angeles",
            "Chicago",
            "Houston",
            "Phoenix",
            "Philadelphia",
            "San Antonio",
            "San Diego",
            "Dallas",
            "Austin",
            "San Francisco",
            "Seattle",
            "Denver",
            "Washington",
            "Boston",
            "Nashville",
            "Las Vegas",
            "Portland",
            "Atlanta",
            "Miami",
            "New Orleans",
            "Minneapolis",
            "Detroit",
            "Kansas City",
            "St. Louis",
            "Salt Lake City",
            "Albuquerque",
            "Indianapolis",
            "Pittsburgh",
            "Charlotte",
            "Orlando",
            "Honolulu",
            "Anchorage",
            "Milwaukee",
            "Memphis",
            "Baltimore",
            "Tucson",
            "San Juan",
            "Toronto",
            "Montreal",
            "Vancouver",
            "Calgary",
            "Ottawa",
            "Edmonton",
            "Quebec City",
            "Winnipeg",
            "Halifax",
            "Victoria",
            "Saskatoon",
            "St. John's",
            "Mexico City",
            "Guadalajara",
            "Monterrey",
            "Oaxaca",
            "Cancun",
            "Puebla",
        ];
        for city in cities {
            assert!(country_of(city).is_some(), "{city}");
        }
    }

    #[test]
    fn every_city_of_the_embedded_data_set_is_in_the_table() {
        let catalog = crate::find_events::EventCatalog::embedded().unwrap();
        for city in catalog.city_names() {
            assert!(country_of(city).is_some(), "{city} is missing from PLACES");
        }
    }
}
