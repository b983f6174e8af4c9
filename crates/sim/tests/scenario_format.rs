//! The scenario format's writer against what ships: every response of every example scenario is
//! written back as the example spells it, so the web app's participants panel, which edits
//! responses through `Response::to_json`, changes only what the user changes.

use sim::examples::ALL;
use sim::scenario::Response;

#[test]
fn example_responses_are_written_back_as_written() {
    let mut seen = 0;
    for example in ALL {
        for (name, text) in example.scenarios {
            let json: serde_json::Value = serde_json::from_str(text).unwrap();
            let responders = json.get("responders").and_then(|r| r.as_object()).into_iter().flatten();
            for (state, list) in responders {
                for written in list.as_array().unwrap() {
                    let response = Response::from_json_value(written).unwrap();
                    let at = format!("{}/{name}: {state}", example.slug);
                    assert_eq!(response.to_json(), *written, "{at}");
                    assert_eq!(Response::from_json_value(&response.to_json()), Ok(response), "{at}");
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 10, "only {seen} responses in the examples");
}
