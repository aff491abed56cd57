//! The keyless demo's email assistant (`X-Agent-Step: email`): a few rules, enough to try
//! the email agent offline.
//!
//! Like the trip demo it keeps no state: the email as it stands is in the system message
//! (`<current_email>` JSON) and the request is the user message. It understands a recipient
//! (any address in the request), what to say (`about …`, `saying …`, `to say …`), a subject
//! (`subject …`), when to send it (the words after "send", or a request that is only a time,
//! passed on verbatim as the activity resolves times itself), cancel, "more formal",
//! "shorter", and translation of the greeting and sign-off into a few languages.

use serde::Serialize;
use serde_json::Value;

use crate::conversation::Turn;

const EMAIL_START: &str = "<current_email>";

/// The answer, in the shape the email prompt asks for (`null` = unchanged).
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct EmailAnswer {
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub send_time: Option<String>,
    pub cancel: bool,
    pub response: String,
}

/// The email as the request found it.
#[derive(Debug, Default, Clone)]
struct Current {
    recipient: Option<String>,
    subject: Option<String>,
    body: Option<String>,
}

pub(super) fn answer(turn: &Turn) -> EmailAnswer {
    let current = current_email(&turn.system);
    let request = turn.prompt.trim();
    let lower = request.to_lowercase();

    if is_cancel(&lower) {
        return EmailAnswer {
            cancel: true,
            response: "Okay, I've canceled the email. Nothing will be sent.".into(),
            ..EmailAnswer::default()
        };
    }

    let added = addition(request);
    let mut answer = EmailAnswer {
        recipient: address_in(request),
        // A time inside a sentence to add ("we meet at noon") is what the email says, not
        // when to send it: only a time after "send" counts then.
        send_time: if added.is_some() {
            time_after_send(request)
        } else {
            time_phrase(request)
        },
        ..EmailAnswer::default()
    };
    let recipient = answer.recipient.clone().or(current.recipient.clone());
    let mut changes = Vec::new();

    if let Some(subject) = after_marker(request, &["subject to ", "subject: ", "subject "]) {
        answer.subject = Some(capitalize(&subject));
        changes.push("changed the subject");
    }
    if let (Some(sentence), Some(body)) = (&added, current.body.as_deref()) {
        answer.body = Some(append(body, sentence));
        changes.push("added that to the email");
    } else if let Some(topic) = topic(request) {
        answer.body = Some(compose(recipient.as_deref(), &topic));
        if answer.subject.is_none() && current.subject.is_none() {
            answer.subject = Some(capitalize(&shorten(&topic, 6)));
        }
        changes.push(if current.body.is_some() {
            "rewrote the email"
        } else {
            "wrote a draft"
        });
    } else if let Some(body) = current.body.as_deref() {
        if lower.contains("formal") {
            answer.body = Some(formal(body));
            changes.push("made it more formal");
        } else if lower.contains("shorter") || lower.contains("shorten") {
            answer.body = Some(shorter(body));
            changes.push("made it shorter");
        } else if let Some(language) = translation(&lower) {
            answer.body = Some(translate(body, language));
            if let Some(subject) = &current.subject {
                answer.subject = Some(format!("{subject} ({})", language.name));
            }
            changes.push("translated the greeting and sign-off (the demo model knows no more)");
        }
    }
    if answer.recipient.is_some() && current.recipient.is_some() && changes.is_empty() {
        changes.push("changed the recipient");
    }

    let has_body = answer.body.is_some() || current.body.is_some();
    let mut response = match changes.as_slice() {
        [] if answer.send_time.is_some() => "Okay.".to_owned(),
        [] if answer.recipient.is_some() => "Got the recipient.".to_owned(),
        [] => "I can write, revise, translate and schedule an email. Try: “Write to ana@example.com about lunch on Friday and send it tomorrow at 9am.”".to_owned(),
        changes => format!("I {}.", changes.join(" and ")),
    };
    if recipient.is_none() {
        response.push_str(" Who should receive it?");
    } else if !has_body {
        response.push_str(" What should the email say?");
    } else if answer.send_time.is_none()
        && !lower.contains("send")
        && changes.iter().any(|c| c.starts_with("wrote"))
    {
        response.push_str(" When should it go out?");
    }
    answer.response = response;
    answer
}

fn current_email(system: &str) -> Current {
    let value = system
        .find(EMAIL_START)
        .and_then(|start| {
            serde_json::Deserializer::from_str(&system[start + EMAIL_START.len()..])
                .into_iter::<Value>()
                .next()
        })
        .and_then(Result::ok)
        .unwrap_or(Value::Null);
    let field = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    Current {
        recipient: field("recipient"),
        subject: field("subject"),
        body: field("body"),
    }
}

fn is_cancel(lower: &str) -> bool {
    [
        "cancel",
        "don't send",
        "do not send",
        "dont send",
        "never mind",
        "forget it",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase))
}

/// The first word that looks like an email address.
fn address_in(text: &str) -> Option<String> {
    text.split_whitespace()
        .map(|word| {
            word.trim_matches(|c: char| {
                !c.is_alphanumeric() && c != '@' && c != '.' && c != '_' && c != '-' && c != '+'
            })
        })
        .map(|word| word.trim_end_matches('.'))
        .find(|word| {
            let Some((local, domain)) = word.split_once('@') else {
                return false;
            };
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        .map(str::to_owned)
}

/// Words that can be part of a time phrase.
fn is_time_word(word: &str) -> bool {
    let word = word.trim_end_matches(['.', ',', '!', '?']);
    const WORDS: &[&str] = &[
        "in",
        "at",
        "on",
        "and",
        "a",
        "an",
        "half",
        "now",
        "right",
        "away",
        "immediately",
        "today",
        "tonight",
        "tomorrow",
        "morning",
        "afternoon",
        "evening",
        "night",
        "noon",
        "midnight",
        "next",
        "this",
        "the",
        "day",
        "after",
        "am",
        "pm",
        "from",
        "later",
        "asap",
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "hr",
        "hrs",
        "second",
        "seconds",
        "day",
        "days",
        "week",
        "weeks",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
    ];
    WORDS.contains(&word)
        || word.chars().next().is_some_and(|c| c.is_ascii_digit())
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '.' | '+'))
}

/// Words that start a time phrase.
fn starts_time(words: &[&str], i: usize) -> bool {
    let word = words[i].trim_end_matches(['.', ',', '!', '?']);
    let next = words.get(i + 1).map(|w| w.trim_end_matches(['.', ',']));
    match word {
        "tomorrow" | "today" | "tonight" | "now" | "immediately" | "asap" => true,
        "in" => next.is_some_and(|n| {
            matches!(n, "a" | "an" | "half")
                || n.chars().next().is_some_and(|c| c.is_ascii_digit())
                || is_time_word(n) && n != "the"
        }),
        "at" => next.is_some_and(|n| {
            n.chars().next().is_some_and(|c| c.is_ascii_digit()) || matches!(n, "noon" | "midnight")
        }),
        "next" | "on" => next.is_some_and(|n| n.ends_with("day")),
        _ => {
            word.len() >= 10
                && word.as_bytes()[4] == b'-'
                && word[..4].bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// The words saying when to send, verbatim: those after "send" (or "schedule"), or the
/// whole request when it is nothing but a time.
fn time_phrase(request: &str) -> Option<String> {
    let words: Vec<&str> = request.split_whitespace().collect();
    if !words.is_empty() && words.iter().all(|w| is_time_word(&w.to_lowercase())) {
        return Some(request.trim().trim_end_matches(['.', '!']).to_owned());
    }
    time_from(request, send_verb_at(request).unwrap_or(0))
}

/// The words after "send" (or "schedule") that say when; none without such a verb.
fn time_after_send(request: &str) -> Option<String> {
    time_from(request, send_verb_at(request)?)
}

/// Where "send", "schedule" or "deliver" stands in the request, as a word index.
fn send_verb_at(request: &str) -> Option<usize> {
    request
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .position(|w| matches!(w.as_str(), "send" | "schedule" | "deliver"))
}

/// The first time phrase starting at word `from` or later.
fn time_from(request: &str, from: usize) -> Option<String> {
    let words: Vec<&str> = request.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let lower_refs: Vec<&str> = lower.iter().map(String::as_str).collect();
    let start = (from..lower_refs.len()).find(|&i| starts_time(&lower_refs, i))?;
    // The phrase ends at the first word that is not about time, or with its sentence.
    let end = (start..lower_refs.len())
        .find(|&i| {
            !is_time_word(lower_refs[i])
                || (i > start && lower_refs[i - 1].ends_with(['.', '!', '?']))
        })
        .unwrap_or(lower_refs.len());
    let phrase = words[start..end].join(" ");
    let phrase = phrase.trim_end_matches(['.', ',', '!', '?']);
    let phrase = phrase.strip_suffix(" and").unwrap_or(phrase).to_owned();
    (!phrase.is_empty()).then_some(phrase)
}

/// The text after the first of `markers` (case-insensitive), up to a sentence end or " and send".
fn after_marker(request: &str, markers: &[&str]) -> Option<String> {
    let lower = request.to_lowercase();
    let (at, marker) = markers
        .iter()
        .filter_map(|m| lower.find(m).map(|at| (at, *m)))
        .min_by_key(|(at, _)| *at)?;
    let rest = &request[at + marker.len()..];
    let rest_lower = rest.to_lowercase();
    let end = [
        " and send",
        ", send",
        ". send",
        " send it",
        " and schedule",
        " then send",
    ]
    .iter()
    .filter_map(|stop| rest_lower.find(stop))
    .min()
    .unwrap_or(rest.len());
    let text = rest[..end]
        .trim()
        .trim_end_matches(['.', '!', ','])
        .trim_matches(['"', '“', '”', '\''])
        .trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// What the email is about, if the request says.
fn topic(request: &str) -> Option<String> {
    after_marker(
        request,
        &[
            "saying ",
            "to say ",
            "that says ",
            "telling them ",
            "telling her ",
            "telling him ",
            "about ",
            "say ",
        ],
    )
}

/// A sentence the request asks to add to the email: "add that …", "add a line saying …",
/// "also say …", "mention …".
fn addition(request: &str) -> Option<String> {
    const ADD: &[&str] = &[
        "add a line saying ",
        "add a line that says ",
        "add a sentence saying ",
        "add a note saying ",
        "add that ",
        "also say ",
    ];
    const MENTION: &[&str] = &["also mention ", "mention "];
    let said = after_marker(request, ADD);
    let mentioned = after_marker(request, MENTION);
    let lower = request.to_lowercase();
    let first = |markers: &[&str]| markers.iter().filter_map(|m| lower.find(m)).min();
    match (said, mentioned) {
        (Some(said), Some(_)) if first(ADD) < first(MENTION) => Some(sentence(&said)),
        (_, Some(topic)) => Some(format!("I also wanted to mention {topic}.")),
        (Some(said), None) => Some(sentence(&said)),
        (None, None) => None,
    }
}

/// `we meet at noon` → `We meet at noon.`
fn sentence(text: &str) -> String {
    let mut sentence = capitalize(text.trim());
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    sentence
}

/// The body with `sentence` added as its own paragraph before the sign-off; earlier edits stay.
fn append(body: &str, sentence: &str) -> String {
    let mut paragraphs: Vec<&str> = body.split("\n\n").collect();
    let at = if paragraphs.len() >= 3 {
        paragraphs.len() - 1
    } else {
        paragraphs.len()
    };
    paragraphs.insert(at, sentence);
    paragraphs.join("\n\n")
}

fn compose(recipient: Option<&str>, topic: &str) -> String {
    let name = recipient.and_then(first_name);
    let greeting = match name {
        Some(name) => format!("Hi {name},"),
        None => "Hi,".to_owned(),
    };
    let mut sentence = capitalize(topic);
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    format!("{greeting}\n\n{sentence}\n\nBest regards")
}

/// `ana.lopez@example.com` → `Ana`.
fn first_name(address: &str) -> Option<String> {
    let local = address.split('@').next()?;
    let first = local.split(['.', '_', '-', '+']).next()?;
    (first.len() > 1 && first.chars().all(char::is_alphabetic)).then(|| capitalize(first))
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn shorten(text: &str, words: usize) -> String {
    text.split_whitespace()
        .take(words)
        .collect::<Vec<_>>()
        .join(" ")
}

fn formal(body: &str) -> String {
    body.replacen("Hi ", "Dear ", 1)
        .replacen("Hi,", "Dear Sir or Madam,", 1)
        .replace("Best regards", "Kind regards")
}

/// Greeting, first sentence of the message, sign-off.
fn shorter(body: &str) -> String {
    let paragraphs: Vec<&str> = body.split("\n\n").collect();
    match paragraphs.as_slice() {
        [greeting, middle @ .., sign_off] if !middle.is_empty() => {
            let text = middle.join(" ");
            let first = text
                .split_inclusive(['.', '!', '?'])
                .next()
                .unwrap_or(&text);
            format!("{greeting}\n\n{}\n\n{sign_off}", first.trim())
        }
        _ => body.to_owned(),
    }
}

struct Language {
    name: &'static str,
    hi: &'static str,
    dear: &'static str,
    best: &'static str,
    kind: &'static str,
}

const LANGUAGES: &[(&str, Language)] = &[
    (
        "german",
        Language {
            name: "German",
            hi: "Hallo",
            dear: "Sehr geehrte(r)",
            best: "Viele Grüße",
            kind: "Freundliche Grüße",
        },
    ),
    (
        "french",
        Language {
            name: "French",
            hi: "Bonjour",
            dear: "Cher/Chère",
            best: "Bien à vous",
            kind: "Cordialement",
        },
    ),
    (
        "spanish",
        Language {
            name: "Spanish",
            hi: "Hola",
            dear: "Estimado/a",
            best: "Saludos",
            kind: "Atentamente",
        },
    ),
    (
        "italian",
        Language {
            name: "Italian",
            hi: "Ciao",
            dear: "Gentile",
            best: "Un saluto",
            kind: "Cordiali saluti",
        },
    ),
    (
        "portuguese",
        Language {
            name: "Portuguese",
            hi: "Olá",
            dear: "Prezado/a",
            best: "Abraços",
            kind: "Atenciosamente",
        },
    ),
    (
        "dutch",
        Language {
            name: "Dutch",
            hi: "Hoi",
            dear: "Beste",
            best: "Groeten",
            kind: "Met vriendelijke groet",
        },
    ),
];

fn translation(lower: &str) -> Option<&'static Language> {
    if !lower.contains("translat") && !lower.contains(" in ") {
        return None;
    }
    LANGUAGES
        .iter()
        .find(|(key, _)| lower.contains(key))
        .map(|(_, language)| language)
}

fn translate(body: &str, language: &Language) -> String {
    body.replacen("Hi ", &format!("{} ", language.hi), 1)
        .replacen("Hi,", &format!("{},", language.hi), 1)
        .replacen("Dear ", &format!("{} ", language.dear), 1)
        .replace("Best regards", language.best)
        .replace("Kind regards", language.kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Step;
    use crate::openai::ChatMessage;
    use serde_json::json;

    fn turn(email: Value, request: &str) -> Turn {
        Turn::parse(
            Step::Email,
            &[
                ChatMessage::new(
                    "system",
                    format!(
                        "You are an email assistant.\n<current_email>\n{email:#}\n</current_email>\n"
                    ),
                ),
                ChatMessage::new("user", request),
            ],
        )
    }

    fn empty() -> Value {
        json!({"recipient": null, "subject": null, "body": null})
    }

    #[test]
    fn a_full_request_writes_addresses_and_schedules() {
        let answer = answer(&turn(
            empty(),
            "Write to ana.lopez@example.com about lunch on Friday and send it tomorrow at 9am.",
        ));
        assert_eq!(answer.recipient.as_deref(), Some("ana.lopez@example.com"));
        assert_eq!(answer.send_time.as_deref(), Some("tomorrow at 9am"));
        let body = answer.body.unwrap();
        assert!(body.starts_with("Hi Ana,\n\nLunch on Friday."), "{body}");
        assert_eq!(answer.subject.as_deref(), Some("Lunch on Friday"));
        assert!(!answer.cancel);
    }

    #[test]
    fn a_time_alone_is_passed_on_verbatim() {
        let email = json!({"recipient": "bo@example.com", "subject": "Hi", "body": "Hi Bo,\n\nHello.\n\nBest regards"});
        assert_eq!(
            answer(&turn(email.clone(), "in 2 hours"))
                .send_time
                .as_deref(),
            Some("in 2 hours")
        );
        assert_eq!(
            answer(&turn(email.clone(), "Send it in 5 minutes please"))
                .send_time
                .as_deref(),
            Some("in 5 minutes")
        );
        assert_eq!(
            answer(&turn(email, "2026-11-24T09:00"))
                .send_time
                .as_deref(),
            Some("2026-11-24T09:00")
        );
    }

    #[test]
    fn revisions_translation_and_cancel() {
        let email = json!({"recipient": "bo@example.com", "subject": "Lunch", "body": "Hi Bo,\n\nLunch on Friday? I found a place.\n\nBest regards"});
        let formal = answer(&turn(email.clone(), "make it more formal"));
        assert!(formal.body.unwrap().starts_with("Dear Bo,"));
        let german = answer(&turn(email.clone(), "translate it into German"));
        let body = german.body.unwrap();
        assert!(
            body.starts_with("Hallo Bo,") && body.ends_with("Viele Grüße"),
            "{body}"
        );
        assert_eq!(german.subject.as_deref(), Some("Lunch (German)"));
        let short = answer(&turn(email.clone(), "shorter please"));
        assert_eq!(
            short.body.unwrap(),
            "Hi Bo,\n\nLunch on Friday?\n\nBest regards"
        );
        assert!(answer(&turn(email, "Cancel it, please")).cancel);
    }

    #[test]
    fn additions_keep_the_email_and_its_schedule() {
        let email = json!({"recipient": "bo@example.com", "subject": "Lunch", "body": "Hi Bo,\n\nLunch on Friday?\n\nBest regards"});
        let noon = answer(&turn(email.clone(), "add that we meet at noon at Café Río"));
        assert_eq!(
            noon.send_time, None,
            "a time in the text is not a send time"
        );
        let body = noon.body.unwrap();
        assert_eq!(
            body,
            "Hi Bo,\n\nLunch on Friday?\n\nWe meet at noon at Café Río.\n\nBest regards"
        );

        // A second addition keeps the first.
        let edited = json!({"recipient": "bo@example.com", "subject": "Lunch", "body": body});
        let line = answer(&turn(edited, "add a line saying see you there"));
        let body = line.body.unwrap();
        assert!(
            body.contains("We meet at noon at Café Río.\n\nSee you there.\n\nBest regards"),
            "{body}"
        );

        // Both parts of a combined request.
        let both = answer(&turn(email, "send it in 1 minute. And mention the agenda"));
        assert_eq!(both.send_time.as_deref(), Some("in 1 minute"));
        let body = both.body.unwrap();
        assert!(
            body.contains("I also wanted to mention the agenda."),
            "{body}"
        );
        assert!(body.starts_with("Hi Bo,\n\nLunch on Friday?"), "{body}");
    }

    #[test]
    fn it_asks_for_what_is_missing() {
        let answer = answer(&turn(empty(), "write an email about the budget"));
        assert!(
            answer.response.contains("Who should receive it?"),
            "{}",
            answer.response
        );
        assert_eq!(answer.send_time, None);
    }
}
