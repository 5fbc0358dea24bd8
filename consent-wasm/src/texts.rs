//! The banner's wording in Bokmål, Nynorsk and English, chosen by `<html lang>`.

use kapsel_catalogue::Lang;

/// One language's texts.
pub struct Texts {
    /// Language code for the `lang` attribute.
    pub code: &'static str,
    /// First layer heading.
    pub title: &'static str,
    /// After the site name: what it does.
    pub intro: &'static str,
    /// Before the list of optional purposes.
    pub intro_optional: &'static str,
    /// After the list.
    pub intro_end: &'static str,
    /// " og " / " and ".
    pub and: &'static str,
    /// Link to the privacy statement.
    pub privacy: &'static str,
    /// Accept all.
    pub accept: &'static str,
    /// Reject all.
    pub reject: &'static str,
    /// Open settings.
    pub settings: &'static str,
    /// Save the settings.
    pub save: &'static str,
    /// Settings layer heading.
    pub settings_title: &'static str,
    /// Settings layer description.
    pub settings_intro: &'static str,
    /// Category labels.
    pub labels: [&'static str; 4],
    /// Categories in lower case, mid-sentence.
    pub lower: [&'static str; 4],
    /// What the optional categories are for, mid-sentence.
    pub uses: [&'static str; 4],
    /// Category purposes.
    pub purposes: [&'static str; 4],
    /// Marks the locked necessary switch.
    pub always_on: &'static str,
    /// Summary of the services-and-cookies list.
    pub details: &'static str,
    /// Services heading.
    pub services: &'static str,
    /// Cookie table column heads: name, provider, purpose, retention.
    pub columns: [&'static str; 4],
    /// Placeholder, before the service name.
    pub blocked_a: &'static str,
    /// Placeholder, between service and category.
    pub blocked_b: &'static str,
    /// Placeholder, after the category.
    pub blocked_c: &'static str,
    /// Placeholder button, before the category.
    pub allow: &'static str,
    /// Global Privacy Control notice.
    pub gpc: &'static str,
    /// Shown when the declaration could not be read.
    pub broken: &'static str,
    /// The only button when the declaration could not be read.
    pub only_necessary: &'static str,
    /// The reopen control.
    pub reopen: &'static str,
    /// Retention units (singular, plural): session, year, month, day, hour, minute.
    pub units: [(&'static str, &'static str); 6],
}

/// Bokmål.
pub const NB: Texts = Texts {
    code: "nb",
    title: "Informasjonskapsler",
    intro: " bruker informasjonskapsler. Noen er nødvendige for at nettstedet skal virke.",
    intro_optional: " Andre bruker vi bare hvis du samtykker: til ",
    intro_end: ". Du kan endre valget ditt når som helst.",
    and: " og ",
    privacy: "Les mer i personvernerklæringen",
    accept: "Godta alle",
    reject: "Avvis alle",
    settings: "Innstillinger",
    save: "Lagre valg",
    settings_title: "Innstillinger for informasjonskapsler",
    settings_intro: "Velg hva vi kan bruke informasjonskapsler til. Nødvendige informasjonskapsler kan ikke slås av.",
    labels: ["Nødvendige", "Preferanser", "Statistikk", "Markedsføring"],
    lower: ["nødvendige", "preferanser", "statistikk", "markedsføring"],
    uses: ["", "å huske valgene dine", "statistikk", "markedsføring"],
    purposes: [
        "Trengs for at nettstedet skal virke, for eksempel innlogging, skjema og sikkerhet. Krever ikke samtykke.",
        "Husker valg du gjør, som språk og visning.",
        "Teller besøk og viser hvordan nettstedet brukes, slik at vi kan forbedre det.",
        "Brukes av andre selskaper, som Facebook, til å vise innhold og annonser og følge deg på tvers av nettsteder.",
    ],
    always_on: " (alltid på)",
    details: "Tjenester og informasjonskapsler",
    services: "Tjenester",
    columns: ["Navn", "Leverandør", "Formål", "Lagringstid"],
    blocked_a: "Innholdet fra ",
    blocked_b: " er blokkert fordi det bruker informasjonskapsler til ",
    blocked_c: ". Du har ikke samtykket til det.",
    allow: "Tillat ",
    gpc: "Nettleseren din sender Global Privacy Control. Derfor er markedsføring avslått til du selv slår det på.",
    broken: "Innstillingene for informasjonskapsler kunne ikke lastes. Vi bruker bare nødvendige informasjonskapsler.",
    only_necessary: "Bare nødvendige",
    reopen: "Informasjonskapsler",
    units: [
        ("Økt", "Økt"),
        ("år", "år"),
        ("måned", "måneder"),
        ("dag", "dager"),
        ("time", "timer"),
        ("minutt", "minutter"),
    ],
};

/// Nynorsk.
pub const NN: Texts = Texts {
    code: "nn",
    title: "Informasjonskapslar",
    intro: " brukar informasjonskapslar. Nokre er naudsynte for at nettstaden skal verke.",
    intro_optional: " Andre brukar vi berre om du samtykkjer: til ",
    intro_end: ". Du kan endre valet ditt når som helst.",
    and: " og ",
    privacy: "Les meir i personvernerklæringa",
    accept: "Godta alle",
    reject: "Avvis alle",
    settings: "Innstillingar",
    save: "Lagre val",
    settings_title: "Innstillingar for informasjonskapslar",
    settings_intro: "Vel kva vi kan bruke informasjonskapslar til. Naudsynte informasjonskapslar kan ikkje slåast av.",
    labels: ["Naudsynte", "Preferansar", "Statistikk", "Marknadsføring"],
    lower: ["naudsynte", "preferansar", "statistikk", "marknadsføring"],
    uses: ["", "å hugse vala dine", "statistikk", "marknadsføring"],
    purposes: [
        "Trengst for at nettstaden skal verke, til dømes innlogging, skjema og tryggleik. Krev ikkje samtykke.",
        "Hugsar val du gjer, som språk og vising.",
        "Tel besøk og viser korleis nettstaden blir brukt, slik at vi kan gjere han betre.",
        "Blir brukte av andre selskap, som Facebook, til å vise innhald og annonsar og følgje deg på tvers av nettstader.",
    ],
    always_on: " (alltid på)",
    details: "Tenester og informasjonskapslar",
    services: "Tenester",
    columns: ["Namn", "Leverandør", "Føremål", "Lagringstid"],
    blocked_a: "Innhaldet frå ",
    blocked_b: " er blokkert fordi det brukar informasjonskapslar til ",
    blocked_c: ". Du har ikkje samtykt til det.",
    allow: "Tillat ",
    gpc: "Nettlesaren din sender Global Privacy Control. Difor er marknadsføring slått av til du sjølv slår det på.",
    broken: "Innstillingane for informasjonskapslar kunne ikkje lastast. Vi brukar berre naudsynte informasjonskapslar.",
    only_necessary: "Berre naudsynte",
    reopen: "Informasjonskapslar",
    units: [
        ("Økt", "Økt"),
        ("år", "år"),
        ("månad", "månader"),
        ("dag", "dagar"),
        ("time", "timar"),
        ("minutt", "minutt"),
    ],
};

/// English.
pub const EN: Texts = Texts {
    code: "en",
    title: "Cookies",
    intro: " uses cookies. Some are necessary for the site to work.",
    intro_optional: " Others we use only if you consent: for ",
    intro_end: ". You can change your choice at any time.",
    and: " and ",
    privacy: "Read more in the privacy statement",
    accept: "Accept all",
    reject: "Reject all",
    settings: "Settings",
    save: "Save choices",
    settings_title: "Cookie settings",
    settings_intro: "Choose what we may use cookies for. Necessary cookies cannot be switched off.",
    labels: ["Necessary", "Preferences", "Statistics", "Marketing"],
    lower: ["necessary", "preferences", "statistics", "marketing"],
    uses: ["", "remembering your choices", "statistics", "marketing"],
    purposes: [
        "Needed for the site to work, such as login, forms and security. No consent needed.",
        "Remember choices you make, such as language and display.",
        "Count visits and show how the site is used, so that we can improve it.",
        "Used by other companies, such as Facebook, to show content and ads and to follow you across sites.",
    ],
    always_on: " (always on)",
    details: "Services and cookies",
    services: "Services",
    columns: ["Name", "Provider", "Purpose", "Retention"],
    blocked_a: "Content from ",
    blocked_b: " is blocked because it uses cookies for ",
    blocked_c: ". You have not consented to that.",
    allow: "Allow ",
    gpc: "Your browser sends Global Privacy Control, so marketing is off until you switch it on yourself.",
    broken: "The cookie settings could not be loaded. We use only necessary cookies.",
    only_necessary: "Only necessary",
    reopen: "Cookies",
    units: [
        ("Session", "Session"),
        ("year", "years"),
        ("month", "months"),
        ("day", "days"),
        ("hour", "hours"),
        ("minute", "minutes"),
    ],
};

/// The texts for a `<html lang>` value: `nn…` Nynorsk, `en…` English, Bokmål otherwise (the
/// catalogue's rule).
pub fn for_lang(lang: &str) -> &'static Texts {
    match Lang::from_html_lang(lang) {
        Lang::Nn => &NN,
        Lang::En => &EN,
        Lang::Nb => &NB,
    }
}

/// Retention units as declarations write them (English, Bokmål, Nynorsk), by kind: 0 session,
/// 1 year, 2 month, 3 day, 4 hour, 5 minute.
const UNITS: [(&str, usize); 15] = [
    ("session", 0),
    ("Session", 0),
    ("økt", 0),
    ("Økt", 0),
    ("year", 1),
    ("år", 1),
    ("month", 2),
    ("måne", 2),
    ("månad", 2),
    ("day", 3),
    ("dag", 3),
    ("hour", 4),
    ("time", 4),
    ("tim", 4),
    ("minut", 5),
];

/// A declared retention (`session`, `2 years`, `13 måneder` …) in the page's language; text the
/// banner does not recognise is shown as written.
pub fn retention(t: &Texts, declared: &str) -> alloc::string::String {
    use alloc::string::String;
    let d = crate::bytes::trim(declared);
    let (num, unit) = crate::bytes::split_once(d, b' ').unwrap_or(("", d));
    let Some(&(_, kind)) = UNITS.iter().find(|(u, _)| unit.starts_with(u)) else {
        return String::from(d);
    };
    let (one, many) = t.units[kind];
    if kind == 0 || crate::record::parse_decimal(num).is_none() {
        return String::from(if kind == 0 && num.is_empty() { one } else { d });
    }
    let mut s = String::from(num);
    crate::bytes::push(&mut s, b' ');
    s.push_str(if num == "1" { one } else { many });
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn language_follows_html_lang() {
        assert_eq!(for_lang("nn").code, "nn");
        assert_eq!(for_lang("nn-NO").code, "nn");
        assert_eq!(for_lang("en-GB").code, "en");
        assert_eq!(for_lang("no").code, "nb");
        assert_eq!(for_lang("nb").code, "nb");
        assert_eq!(for_lang("de").code, "nb");
        assert_eq!(for_lang("").code, "nb");
        assert_eq!(for_lang("nno").code, "nb");
        assert_eq!(for_lang("NN_no").code, "nn");
    }

    #[wasm_bindgen_test]
    fn retention_is_translated() {
        assert_eq!(retention(&NN, "2 years"), "2 år");
        assert_eq!(retention(&NN, "13 months"), "13 månader");
        assert_eq!(retention(&NB, "1 month"), "1 måned");
        assert_eq!(retention(&EN, "400 dagar"), "400 days");
        assert_eq!(retention(&NB, "session"), "Økt");
        assert_eq!(retention(&EN, "økt"), "Session");
        assert_eq!(retention(&EN, "until logout"), "until logout");
    }
}
