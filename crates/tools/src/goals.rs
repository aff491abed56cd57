//! The goals an agent can pursue: what it is for, which tools it runs in which order, and how
//! a good conversation about it goes.
//!
//! A goal's tool list is taken from the registry's definitions, so the planner always sees
//! exactly the tools the worker can run.

use models::{AgentGoal, ToolDefinition};

use crate::registry::tool_definitions;

pub const EVENT_FLIGHT_INVOICE: &str = "goal_event_flight_invoice";

/// Every goal this build knows.
pub fn all() -> Vec<AgentGoal> {
    vec![event_flight_invoice()]
}

/// The goal with this id.
pub fn by_id(id: &str) -> Option<AgentGoal> {
    all().into_iter().find(|goal| goal.id == id)
}

/// Find an event in a North American city, fly there around its dates, invoice the flight.
pub fn event_flight_invoice() -> AgentGoal {
    AgentGoal {
        id: EVENT_FLIGHT_INVOICE.to_string(),
        category_tag: "travel-flights".to_string(),
        agent_name: "North America Event Flight Booking".to_string(),
        agent_friendly_description: "Pick a festival, game or show in a North American city, \
            find round-trip flights around its dates, and get an invoice for the flight."
            .to_string(),
        tools: tools(&["FindEvents", "SearchFlights", "CreateInvoice"]),
        description: "Help the user plan a trip to an event in North America, one step at a \
            time, in this order: \
            1. FindEvents: ask which city and which month they have in mind, then list the \
            events found and let them choose one. \
            2. SearchFlights: ask where they will fly from, propose departing a day before the \
            event starts and returning a day after it ends, and search round trips; show the \
            options and let them choose a flight. \
            3. CreateInvoice: create an invoice for the chosen flight's price, describing the \
            airline, flight codes, route, dates and event, and share the payment link."
            .to_string(),
        starter_prompt: "Welcome the user warmly, explain in a sentence or two that you can \
            find an event in a North American city, look up flights to it around the event's \
            dates and prepare an invoice for the flight, then ask which city and which month \
            they are interested in."
            .to_string(),
        example_conversation_history: EXAMPLE_CONVERSATION.trim().to_string(),
    }
}

/// The registry's definitions of the named tools, in the given order.
fn tools(names: &[&str]) -> Vec<ToolDefinition> {
    let definitions = tool_definitions();
    names
        .iter()
        .filter_map(|name| definitions.iter().find(|d| d.name == *name).cloned())
        .collect()
}

const EXAMPLE_CONVERSATION: &str = "
user: Hi there
agent: Hello! I can find a festival, game or show in a North American city, search flights around its dates and prepare an invoice for your flight. Which city and which month do you have in mind?
user: Something in Austin in December
agent: Great choice. Shall I look up events in Austin for December?
user: yes please
user_confirmed_tool_run: (confirmed FindEvents)
tool_result: { 'note': 'Events in November, December and January...', 'events': [{'city': 'Austin', 'eventName': 'Trail of Lights', 'dateFrom': '2025-12-07', 'dateTo': '2025-12-23', 'description': 'A mile-long walk through holiday light displays in Zilker Park.', 'month': 'requested month'}] }
agent: In December Austin has the Trail of Lights, a walk through holiday light displays in Zilker Park, from December 7 to 23. Would you like to fly there for it?
user: Yes, that sounds lovely
agent: Where will you be flying from?
user: Chicago
agent: I suggest leaving on December 6 and coming back on December 24. Shall I search round-trip flights from Chicago to Austin for those dates?
user: Make it the 7th to the 10th instead
agent: Sure. Searching round-trip flights from Chicago to Austin, leaving December 7 and returning December 10. Shall I go ahead?
user: yes
user_confirmed_tool_run: (confirmed SearchFlights)
tool_result: { 'currency': 'USD', 'origin': 'Chicago', 'destination': 'Austin', 'results': [{'operating_carrier': 'Southwest Airlines', 'outbound_flight_code': 'WN1442', 'price': 286.4, 'return_flight_code': 'WN1587', 'return_operating_carrier': 'Southwest Airlines'}, {'operating_carrier': 'United Airlines', 'outbound_flight_code': 'UA622', 'price': 318.75, 'return_flight_code': 'UA731', 'return_operating_carrier': 'United Airlines'}] }
agent: I found Southwest Airlines (WN1442 out, WN1587 back) for $286.40 and United Airlines (UA622 out, UA731 back) for $318.75. Which one would you like?
user: The Southwest one
agent: I will create an invoice for $286.40 for Southwest Airlines WN1442 and WN1587, Chicago to Austin, December 7 to 10, for the Trail of Lights. Shall I create it?
user: Yes, go ahead
user_confirmed_tool_run: (confirmed CreateInvoice)
tool_result: { 'invoiceStatus': 'generated', 'invoiceURL': 'https://pay.example.com/invoices/INV-4C7D21A9', 'reference': 'INV-4C7D21A9' }
agent: Your invoice INV-4C7D21A9 for $286.40 is ready; you can pay it here: https://pay.example.com/invoices/INV-4C7D21A9. Enjoy the Trail of Lights!
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goal_tools_are_the_registry_definitions() {
        let goal = event_flight_invoice();
        assert_eq!(goal.tools, tool_definitions());
        let names: Vec<&str> = goal.tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["FindEvents", "SearchFlights", "CreateInvoice"]);
    }

    #[test]
    fn goal_identity_and_texts() {
        let goal = event_flight_invoice();
        assert_eq!(goal.id, "goal_event_flight_invoice");
        assert_eq!(goal.category_tag, "travel-flights");
        assert_eq!(goal.agent_name, "North America Event Flight Booking");
        let steps = ["FindEvents", "SearchFlights", "CreateInvoice"]
            .map(|tool| goal.description.find(tool).expect(tool));
        assert!(
            steps[0] < steps[1] && steps[1] < steps[2],
            "steps out of order"
        );
        assert!(goal.starter_prompt.contains("city") && goal.starter_prompt.contains("month"));
    }

    #[test]
    fn confirmation_arguments_describe_the_users_go_ahead() {
        let goal = event_flight_invoice();
        for tool in ["SearchFlights", "CreateInvoice"] {
            let definition = goal.tools.iter().find(|t| t.name == tool).unwrap();
            let confirmation = definition
                .arguments
                .iter()
                .find(|a| a.name == "userConfirmation")
                .expect(tool);
            assert!(confirmation.description.contains("go-ahead"));
        }
    }

    #[test]
    fn example_conversation_walks_through_a_whole_booking() {
        let example = event_flight_invoice().example_conversation_history;
        let lines: Vec<&str> = example.lines().collect();
        assert!(lines.len() >= 20, "{} lines", lines.len());
        assert!(
            lines.iter().all(|l| l.contains(": ")),
            "every line names its speaker"
        );
        for tool in ["FindEvents", "SearchFlights", "CreateInvoice"] {
            assert!(example.contains(tool), "{tool}");
        }
        assert!(lines.first().unwrap().starts_with("user: "));
        assert!(lines.last().unwrap().starts_with("agent: "));
    }

    #[test]
    fn goals_are_found_by_id() {
        assert_eq!(
            by_id("goal_event_flight_invoice"),
            Some(event_flight_invoice())
        );
        assert_eq!(by_id("goal_nope"), None);
        assert_eq!(all().len(), 1);
    }
}
