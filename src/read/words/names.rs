//! Lists of names in words: an automatic incident's components, grouped where
//! a group failed as a whole, so 50 failing components read as one group
//! rather than three names "and 47 more".

use crate::incidents::Member;
use crate::lang::Lang;
use crate::say;

/// How many parts a list names before it counts the rest.
const SHOWN: usize = 3;

/// "A", "A and B", "A, B and C".
pub fn and_list(lang: Lang, names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => {
            let init = init.join(&lang.say("list-separator"));
            say!(lang, "list-and", init = init, last = last.as_str())
        }
    }
}

/// The components of an automatic incident, in the order they failed:
/// "Public API, Payments and Website"; "All of Europe West (50 components)"
/// for a whole group; "12 components of Europe West" for much of one;
/// "Public API, Payments, Website and 4 more" past three parts.
pub fn members(lang: Lang, components: &[Member]) -> String {
    let parts = parts(lang, components);
    if parts.len() <= SHOWN + 1 {
        let names: Vec<String> = parts.into_iter().map(|(text, _)| text).collect();
        return and_list(lang, &names);
    }
    let rest: usize = parts[SHOWN..].iter().map(|(_, n)| n).sum();
    let shown: Vec<String> = parts.into_iter().take(SHOWN).map(|(t, _)| t).collect();
    let shown = shown.join(&lang.say("list-separator"));
    say!(lang, "list-more", shown = shown, rest = rest)
}

/// Each part in words, with how many components it stands for. A group is
/// named once, where its first member failed.
fn parts(lang: Lang, components: &[Member]) -> Vec<(String, usize)> {
    let mut parts = Vec::new();
    let mut named: Vec<&str> = Vec::new();
    for m in components {
        let Some(group) = &m.group else {
            parts.push((m.name.clone(), 1));
            continue;
        };
        let in_group: Vec<&Member> = (components.iter())
            .filter(|o| o.group.as_ref().is_some_and(|g| g.name == group.name))
            .collect();
        let n = in_group.len();
        if n == group.size && n > 1 {
            if !named.contains(&group.name.as_str()) {
                named.push(&group.name);
                let name = group.name.as_str();
                parts.push((say!(lang, "group-all", group = name, n = n), n));
            }
        } else if n > SHOWN {
            if !named.contains(&group.name.as_str()) {
                named.push(&group.name);
                let name = group.name.as_str();
                parts.push((say!(lang, "group-some", group = name, n = n), n));
            }
        } else {
            parts.push((m.name.clone(), 1));
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::GroupRef;

    fn members(m: &[Member]) -> String {
        super::members(Lang::english(), m)
    }

    fn of(group: &str, size: usize, names: impl IntoIterator<Item = String>) -> Vec<Member> {
        names
            .into_iter()
            .map(|name| Member {
                name,
                group: Some(GroupRef {
                    name: group.into(),
                    size,
                }),
            })
            .collect()
    }

    fn plain(names: &[&str]) -> Vec<Member> {
        names.iter().map(|n| Member::new(*n)).collect()
    }

    #[test]
    fn a_few_components_are_named_one_by_one() {
        assert_eq!(members(&plain(&["Public API"])), "Public API");
        assert_eq!(
            members(&plain(&["Public API", "Payments", "Website"])),
            "Public API, Payments and Website"
        );
    }

    #[test]
    fn a_whole_group_is_named_as_the_group() {
        let west = of("Europe West", 50, (1..=50).map(|i| format!("Service {i}")));
        assert_eq!(members(&west), "All of Europe West (50 components)");
        let mut with_api = plain(&["Public API"]);
        with_api.extend(west);
        assert_eq!(
            members(&with_api),
            "Public API and All of Europe West (50 components)"
        );
    }

    #[test]
    fn much_of_a_group_is_counted_and_a_little_named() {
        let many = of("Europe West", 50, (1..=12).map(|i| format!("Service {i}")));
        assert_eq!(members(&many), "12 components of Europe West");
        let few = of("Europe West", 50, ["Service 1".into(), "Service 2".into()]);
        assert_eq!(members(&few), "Service 1 and Service 2");
    }

    #[test]
    fn past_three_parts_the_rest_is_counted() {
        let names = plain(&["A", "B", "C", "D", "E", "F"]);
        assert_eq!(members(&names), "A, B, C and 3 more");
        assert_eq!(members(&plain(&["A", "B", "C", "D"])), "A, B, C and D");
    }
}
