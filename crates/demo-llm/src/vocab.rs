//! What the demo agent recognizes in a reply: our cities, months, yes and no, airport codes,
//! airlines, travel talk, and the tell-tale signs of an off-topic request.
//!
//! The city list is the set of keys of `data/find_events_data.json`, the same file the
//! `FindEvents` tool searches, embedded at build time so the agent only proposes searches the
//! tool can answer.

use std::sync::LazyLock;

use crate::text::{fold, has_any, phrase_positions, words};

const EVENTS_DATA: &str = include_str!("../../../data/find_events_data.json");

/// One city of the events data set.
#[derive(Debug)]
pub struct City {
    /// As spelled in the data set, e.g. "St. John's".
    pub name: String,
    words: Vec<String>,
}

static CITIES: LazyLock<Vec<City>> = LazyLock::new(|| {
    let data: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(EVENTS_DATA).expect("data/find_events_data.json is a JSON object");
    data.keys()
        .map(|name| City {
            name: name.clone(),
            words: words(name),
        })
        .filter(|city| !city.words.is_empty())
        .collect()
});

/// Every city the events data set knows.
pub fn cities() -> &'static [City] {
    &CITIES
}

/// A city named in a piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CityMention {
    pub city: &'static str,
    /// Word position in the folded text.
    pub start: usize,
    /// Named right after "from", "leaving" or "departing": an origin, not a destination.
    pub after_from: bool,
}

/// Cities named in `text`, in order; where two names overlap ("Kansas City" and "Kansas"),
/// the longer wins.
pub fn city_mentions(text: &str) -> Vec<CityMention> {
    let w = words(text);
    let mut found: Vec<(usize, usize, &'static str)> = cities()
        .iter()
        .flat_map(|city| {
            phrase_positions(&w, &city.words)
                .into_iter()
                .map(|start| (start, city.words.len(), city.name.as_str()))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut mentions = Vec::new();
    let mut covered_until = 0;
    for (start, len, city) in found {
        if start < covered_until {
            continue;
        }
        covered_until = start + len;
        let after_from =
            start > 0 && matches!(w[start - 1].as_str(), "from" | "leaving" | "departing");
        mentions.push(CityMention {
            city,
            start,
            after_from,
        });
    }
    mentions
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Month names (full or three-letter, any case) in `text`, in order, as full English names.
pub fn month_mentions(text: &str) -> Vec<&'static str> {
    words(text).iter().filter_map(|w| month_of(w)).collect()
}

fn month_of(word: &str) -> Option<&'static str> {
    MONTHS.iter().copied().find(|month| {
        let full = month.to_ascii_lowercase();
        word == full || word == &full[..3] || (full == "september" && word == "sept")
    })
}

const YES_WORDS: &[&str] = &[
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "k",
    "alright",
    "absolutely",
    "definitely",
    "perfect",
    "great",
    "please",
    "confirm",
    "confirmed",
    "correct",
    "fine",
    "agreed",
    "proceed",
];
const YES_PHRASES: &[&str] = &[
    "sounds good",
    "go ahead",
    "do it",
    "book it",
    "of course",
    "that works",
    "go for it",
    "create it",
    "lets do it",
    "please do",
    "sounds great",
    "why not",
    "make it so",
];
const NO_WORDS: &[&str] = &["no", "n", "nope", "nah", "stop", "cancel", "quit"];
const NO_PHRASES: &[&str] = &[
    "not now",
    "never mind",
    "nevermind",
    "dont",
    "do not",
    "not interested",
    "no thanks",
    "stop",
    "cancel",
    "not that",
    "not yet",
];

/// A go-ahead: "yes", "sure", "sounds good", "go ahead"...
pub fn is_affirmative(text: &str) -> bool {
    let w = words(text);
    let first = w.first().map(String::as_str).unwrap_or_default();
    !is_negative(text) && (YES_WORDS.contains(&first) || has_any(&w, YES_PHRASES))
}

/// Ways of saying the conversation is over.
const FAREWELL_PHRASES: &[&str] = &[
    "bye",
    "goodbye",
    "good bye",
    "bye bye",
    "see you",
    "see ya",
    "farewell",
    "thats all",
    "that is all",
    "thats it",
    "im done",
    "i am done",
    "were done",
    "end the chat",
    "end chat",
    "end this chat",
    "close the chat",
    "nothing else",
];

/// A goodbye: "bye", "that's all, thanks", "end the chat".
pub fn is_farewell(text: &str) -> bool {
    has_any(&words(text), FAREWELL_PHRASES)
}

/// A refusal: "no", "stop", "not now", "don't"...
pub fn is_negative(text: &str) -> bool {
    let w = words(text);
    let first = w.first().map(String::as_str).unwrap_or_default();
    NO_WORDS.contains(&first) || has_any(&w, NO_PHRASES)
}

/// Three letters that are never airport codes even in capitals.
const NOT_CODES: &[&str] = &[
    "YES", "YEP", "YUP", "NAH", "THE", "AND", "FOR", "YOU", "NOT", "BUT", "ANY", "ALL", "ONE",
    "TWO", "SIX", "TEN", "HEY", "USD", "CAD", "MXN", "OKAY", "PLS", "THX", "ASAP", "WHY", "HOW",
    "WHO", "CAN", "GET", "BUY", "FLY", "SEE", "NOW", "OUT", "OFF", "HER", "HIM", "HIS", "ITS",
    "OUR", "WAS", "ARE", "HAS", "HAD", "LET", "PUT", "SET", "TRY", "USE", "WAY", "DAY", "AIR",
];

/// An IATA-like airport code: a three-capital-letter word ("ORD"), or a reply that is nothing
/// but three letters ("ord").
pub fn airport_code(text: &str) -> Option<String> {
    let is_code = |w: &str| {
        w.len() == 3
            && w.chars().all(|c| c.is_ascii_alphabetic())
            && !NOT_CODES.contains(&w.to_ascii_uppercase().as_str())
            && month_of(&w.to_ascii_lowercase()).is_none()
    };
    let tokens: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    if let [only] = tokens.as_slice()
        && is_code(only)
    {
        return Some(only.to_ascii_uppercase());
    }
    tokens
        .into_iter()
        .find(|t| is_code(t) && t.chars().all(|c| c.is_ascii_uppercase()))
        .map(str::to_owned)
}

/// Airlines a user may name when picking a flight.
pub const AIRLINES: &[&str] = &[
    "american",
    "american airlines",
    "delta",
    "united",
    "southwest",
    "jetblue",
    "jet blue",
    "alaska",
    "alaska airlines",
    "spirit",
    "frontier",
    "allegiant",
    "hawaiian",
    "sun country",
    "breeze",
    "avelo",
    "air canada",
    "westjet",
    "porter",
    "flair",
    "air transat",
    "aeromexico",
    "volaris",
    "viva aerobus",
    "vivaaerobus",
];

/// Words that show a message is about the trip.
const TRAVEL_WORDS: &[&str] = &[
    "event",
    "events",
    "festival",
    "festivals",
    "concert",
    "concerts",
    "show",
    "shows",
    "game",
    "games",
    "parade",
    "fair",
    "fest",
    "flight",
    "flights",
    "fly",
    "flying",
    "trip",
    "trips",
    "travel",
    "traveling",
    "travelling",
    "ticket",
    "tickets",
    "invoice",
    "invoices",
    "book",
    "booking",
    "airport",
    "airline",
    "airlines",
    "plane",
    "hotel",
    "vacation",
    "holiday",
    "visit",
    "visiting",
    "depart",
    "departure",
    "return",
    "arrive",
    "arrival",
    "price",
    "prices",
    "cheap",
    "cheaper",
    "cheapest",
    "cost",
    "budget",
    "dates",
    "date",
    "weekend",
    "month",
    "city",
    "cities",
    "destination",
    "origin",
    "itinerary",
    "seat",
    "economy",
    "round trip",
    "nonstop",
    "layover",
    "attend",
    "pay",
    "payment",
    "reference",
    "week",
    "tomorrow",
];

/// Greetings and questions about the agent itself: always in scope.
const META_PHRASES: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "help",
    "what can you do",
    "who are you",
    "start over",
    "restart",
    "thanks",
    "thank you",
    "bye",
    "goodbye",
    "good morning",
    "good evening",
    "again",
];

pub fn mentions_travel(text: &str) -> bool {
    let w = words(text);
    has_any(&w, TRAVEL_WORDS) || has_any(&w, META_PHRASES) || has_any(&w, AIRLINES)
}

/// Why a message is clearly outside the trip goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffTopic {
    Creative,
    Knowledge,
    Coding,
    Math,
    Injection,
    /// A destination on another continent, as the user wrote it.
    Abroad(String),
}

const CREATIVE: &[&str] = &[
    "poem", "poems", "poetry", "haiku", "limerick", "sonnet", "joke", "jokes", "story", "stories",
    "song", "lyrics", "essay", "riddle", "rap", "novel",
];
/// Creative nouns only count as a request with one of these ("rap concert" is a fine event).
const CREATIVE_VERBS: &[&str] = &[
    "write", "tell", "compose", "sing", "make up", "generate", "give me", "recite",
];
const KNOWLEDGE: &[&str] = &[
    "capital of",
    "who is",
    "who was",
    "who won",
    "who invented",
    "who wrote",
    "meaning of life",
    "population of",
    "president of",
    "prime minister",
    "square root",
    "recipe",
    "how tall",
    "how old is",
    "history of",
    "tallest",
    "largest country",
    "speed of light",
    "explain quantum",
    "stock price",
    "define",
];
const CODING: &[&str] = &[
    "code",
    "coding",
    "python",
    "javascript",
    "typescript",
    "java",
    "rust",
    "golang",
    "sql",
    "regex",
    "compile",
    "compiler",
    "debug",
    "programming",
    "algorithm",
    "html",
    "css",
    "stack trace",
    "unit test",
];
const MATH: &[&str] = &[
    "solve",
    "equation",
    "integral",
    "derivative",
    "algebra",
    "calculus",
];
const INJECTION: &[&str] = &[
    "ignore previous",
    "ignore all previous",
    "ignore your instructions",
    "ignore the instructions",
    "system prompt",
    "you are now",
    "disregard",
    "jailbreak",
];

/// Places outside North America people commonly ask about.
const ABROAD: &[&str] = &[
    "paris",
    "london",
    "rome",
    "berlin",
    "madrid",
    "barcelona",
    "lisbon",
    "amsterdam",
    "dublin",
    "vienna",
    "prague",
    "athens",
    "istanbul",
    "moscow",
    "tokyo",
    "kyoto",
    "osaka",
    "beijing",
    "shanghai",
    "hong kong",
    "singapore",
    "bangkok",
    "seoul",
    "delhi",
    "mumbai",
    "dubai",
    "sydney",
    "melbourne",
    "auckland",
    "cairo",
    "cape town",
    "nairobi",
    "lagos",
    "marrakech",
    "rio de janeiro",
    "sao paulo",
    "buenos aires",
    "lima",
    "bogota",
    "europe",
    "asia",
    "africa",
    "australia",
    "south america",
    "antarctica",
    "france",
    "italy",
    "germany",
    "spain",
    "portugal",
    "england",
    "united kingdom",
    "uk",
    "ireland",
    "scotland",
    "greece",
    "turkey",
    "russia",
    "japan",
    "china",
    "india",
    "thailand",
    "korea",
    "vietnam",
    "indonesia",
    "bali",
    "egypt",
    "morocco",
    "kenya",
    "brazil",
    "argentina",
    "peru",
    "chile",
    "colombia",
    "new zealand",
    "switzerland",
    "netherlands",
    "sweden",
    "norway",
    "denmark",
    "iceland",
];

/// The first sign that `text` asks for something the trip agent does not do.
pub fn off_topic(text: &str) -> Option<OffTopic> {
    let w = words(text);
    if has_any(&w, INJECTION) {
        return Some(OffTopic::Injection);
    }
    if let Some(place) = abroad_destination(text) {
        return Some(OffTopic::Abroad(place));
    }
    if has_any(&w, CREATIVE) && has_any(&w, CREATIVE_VERBS) {
        return Some(OffTopic::Creative);
    }
    if has_any(&w, CODING) {
        return Some(OffTopic::Coding);
    }
    if has_any(&w, MATH) || looks_like_arithmetic(text) {
        return Some(OffTopic::Math);
    }
    // "Who is playing at the festival?" is a fair question about the trip.
    let about_the_trip = mentions_travel(text)
        || !city_mentions(text).is_empty()
        || !month_mentions(text).is_empty();
    if has_any(&w, KNOWLEDGE) && !about_the_trip {
        return Some(OffTopic::Knowledge);
    }
    None
}

/// A place on another continent named as where to go (after "from" it is only an origin).
fn abroad_destination(text: &str) -> Option<String> {
    let w = words(text);
    let known: Vec<String> = cities().iter().map(|c| fold(&c.name)).collect();
    ABROAD
        .iter()
        .filter(|place| !known.iter().any(|k| k == *place))
        .find_map(|place| {
            let phrase = words(place);
            phrase_positions(&w, &phrase)
                .into_iter()
                .find(|&start| start == 0 || w[start - 1] != "from")
                .map(|_| {
                    place
                        .split(' ')
                        .map(crate::text::capitalize)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
        })
}

/// "2+2", "12*7=": digits around an arithmetic operator. (Dashes and slashes are left out:
/// they appear in dates.)
fn looks_like_arithmetic(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(3).any(|w| {
        w[0].is_ascii_digit() && matches!(w[1], '+' | '*' | '=' | '^') && w[2].is_ascii_digit()
    })
}

/// "42", "$350", "1,200.50": a bare number.
pub fn is_number(text: &str) -> bool {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '$' | ',' | ' '))
        .collect();
    !cleaned.is_empty() && cleaned.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_come_from_the_events_data() {
        assert!(
            cities().len() >= 50,
            "the data set promises at least 50 cities"
        );
        assert!(cities().iter().any(|c| c.name == "Austin"));
        assert!(cities().iter().any(|c| c.name == "St. John's"));
        assert!(cities().iter().any(|c| c.name == "Mexico City"));
    }

    #[test]
    fn city_mentions_know_origins_from_destinations() {
        let mentions = city_mentions("flying from new york to AUSTIN");
        assert_eq!(mentions.len(), 2);
        assert_eq!(mentions[0].city, "New York");
        assert!(mentions[0].after_from);
        assert_eq!(mentions[1].city, "Austin");
        assert!(!mentions[1].after_from);
        assert_eq!(city_mentions("St Johns in August")[0].city, "St. John's");
        assert_eq!(city_mentions("mexico city")[0].city, "Mexico City");
    }

    #[test]
    fn months_in_full_or_short_form() {
        assert_eq!(month_mentions("Austin in DEC"), ["December"]);
        assert_eq!(month_mentions("sept or october"), ["September", "October"]);
        assert!(month_mentions("Austin please").is_empty());
    }

    #[test]
    fn yes_and_no() {
        for yes in ["yes", "Sure!", "sounds good", "OK", "go ahead please"] {
            assert!(is_affirmative(yes), "{yes}");
        }
        for no in ["no", "Nope.", "don't", "stop", "not now"] {
            assert!(is_negative(no), "{no}");
            assert!(!is_affirmative(no), "{no}");
        }
    }

    #[test]
    fn airport_codes() {
        assert_eq!(airport_code("ORD"), Some("ORD".into()));
        assert_eq!(airport_code("lax"), Some("LAX".into()));
        assert_eq!(airport_code("I fly out of SFO"), Some("SFO".into()));
        assert_eq!(airport_code("yes"), None);
        assert_eq!(airport_code("DEC"), None);
        assert_eq!(airport_code("the one"), None);
    }

    #[test]
    fn off_topic_requests() {
        assert_eq!(
            off_topic("write me a poem about cats"),
            Some(OffTopic::Creative)
        );
        assert_eq!(
            off_topic("what's the capital of France?"),
            Some(OffTopic::Abroad("France".into()))
        );
        assert_eq!(
            off_topic("help me debug my python code"),
            Some(OffTopic::Coding)
        );
        assert_eq!(off_topic("what is 2+2"), Some(OffTopic::Math));
        assert_eq!(
            off_topic("I want to go to Paris in May"),
            Some(OffTopic::Abroad("Paris".into()))
        );
        assert_eq!(off_topic("I fly from London"), None);
        assert_eq!(off_topic("Austin in December"), None);
        assert_eq!(off_topic("2025-12-04"), None);
        assert_eq!(off_topic("is there a rap concert in Austin?"), None);
        assert_eq!(off_topic("who is playing at the festival?"), None);
        assert_eq!(
            off_topic("who is the best footballer ever"),
            Some(OffTopic::Knowledge)
        );
    }
}
