//! Normalizing what people type, so "Montréal", "montreal" and "MONTREAL!" read the same.
//!
//! Text is folded to lowercase ASCII words: accents are dropped, apostrophes vanish
//! ("St. John's" → `st johns`) and every other non-alphanumeric character separates words.
//! Phrases are then matched as whole-word sequences, never as raw substrings, so "Nice" in
//! "nice weather" is a word, not a city, only if it is one of ours.

/// Lowercase ASCII words of `text`.
pub fn words(text: &str) -> Vec<String> {
    fold(text).split_whitespace().map(str::to_owned).collect()
}

/// Lowercase, accent-free text with single spaces between words.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            '\'' | '\u{2019}' | '\u{2018}' | '`' => {}
            c if c.is_ascii_alphanumeric() => out.push(c),
            c => match ascii_of(c) {
                Some(a) => out.push(a),
                None => out.push(' '),
            },
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The plain letter behind the accented Latin letters our place names use.
fn ascii_of(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => return None,
    })
}

/// Start positions of every occurrence of `phrase` (already folded words) in `words`.
pub fn phrase_positions(words: &[String], phrase: &[String]) -> Vec<usize> {
    if phrase.is_empty() || phrase.len() > words.len() {
        return Vec::new();
    }
    (0..=words.len() - phrase.len())
        .filter(|&i| words[i..i + phrase.len()] == *phrase)
        .collect()
}

/// Whether `words` contains the phrase written as plain text (e.g. "go ahead").
pub fn has_phrase(words: &[String], phrase: &str) -> bool {
    let phrase: Vec<String> = phrase.split_whitespace().map(str::to_owned).collect();
    !phrase_positions(words, &phrase).is_empty()
}

/// Whether any of `phrases` occurs in `words`.
pub fn has_any(words: &[String], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| has_phrase(words, p))
}

/// Capitalizes the first letter: "december" → "December".
pub fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Joins items as "a", "a and b", "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_accents_and_apostrophes() {
        assert_eq!(fold("Montréal, QC!"), "montreal qc");
        assert_eq!(fold("St. John’s"), "st johns");
        assert_eq!(words("  New   YORK? "), ["new", "york"]);
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let w = words("I'd like to go ahead with Austin");
        assert!(has_phrase(&w, "go ahead"));
        assert!(!has_phrase(&w, "aus"));
        assert_eq!(phrase_positions(&w, &words("austin")), [6]);
    }

    #[test]
    fn lists_read_naturally() {
        let items = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_and(&items(&["city"])), "city");
        assert_eq!(join_and(&items(&["city", "month"])), "city and month");
        assert_eq!(join_and(&items(&["a", "b", "c"])), "a, b and c");
    }
}
