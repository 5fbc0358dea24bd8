//! The banner's wording in Bokmål, Nynorsk and English, chosen by `<html lang>`.
//!
//! Each language is behind a cargo feature of its own (`nb`, `nn`, `en`; all three by default).
//! `scripts/build-banner.sh` builds one wasm per language with just that one, so a visitor
//! downloads only the wording of the page's language: the bootstrap picks `kapsel_<lang>.wasm`
//! by the same rule as [`for_lang`]. A build with several languages chooses at start.
//!
//! Each language is one string of pieces separated by `|`, in the order of the accessors below
//! (the `// name` after each piece says which), split once when the banner starts. Constant
//! structs of string slices would cost a table of pointers and lengths per language in the wasm.

use kapsel_catalogue::Lang;

/// One language's texts, split into pieces.
pub struct Texts([&'static str; PIECES]);

/// Accessors for the single pieces: name, index.
macro_rules! pieces {
    ($($(#[$doc:meta])* $name:ident = $index:literal;)*) => {
        impl Texts {
            $($(#[$doc])* pub fn $name(&self) -> &'static str {
                self.0[$index]
            })*
        }
    };
}

pieces! {
    /// Language code for the `lang` attribute.
    code = 0;
    /// First layer heading.
    title = 1;
    /// After the site name: what it does.
    intro = 2;
    /// Before the list of optional purposes.
    intro_optional = 3;
    /// After the list.
    intro_end = 4;
    /// " og " / " and ".
    and = 5;
    /// Link to the privacy statement.
    privacy = 6;
    /// Accept all.
    accept = 7;
    /// Reject all.
    reject = 8;
    /// Open settings.
    settings = 9;
    /// Save the settings.
    save = 10;
    /// Settings layer heading.
    settings_title = 11;
    /// Settings layer description.
    settings_intro = 12;
    /// Marks the locked necessary switch.
    always_on = 13;
    /// Summary of the services-and-cookies list.
    details = 14;
    /// Placeholder, before the service name.
    blocked_a = 15;
    /// Placeholder, between service and category.
    blocked_b = 16;
    /// Placeholder, after the category.
    blocked_c = 17;
    /// Placeholder button, before the category.
    allow = 18;
    /// Global Privacy Control notice.
    gpc = 19;
    /// Shown when the declaration could not be read.
    broken = 20;
    /// The only button when the declaration could not be read.
    only_necessary = 21;
    /// The reopen control.
    reopen = 22;
    /// Before the receipt id in the settings layer.
    consent_id = 23;
}

/// The first piece of each group of four, by category index.
const LABELS: usize = 24;
const LOWER: usize = 28;
const USES: usize = 32;
const PURPOSES: usize = 36;
const COLUMNS: usize = 40;
/// How many pieces a language has.
const PIECES: usize = 44;

impl Texts {
    /// No texts (before the banner starts).
    pub const EMPTY: Texts = Texts([""; PIECES]);

    /// Splits one language's source (see the module documentation).
    pub fn split(source: &'static str) -> Texts {
        let mut t = Texts::EMPTY;
        for (slot, piece) in t.0.iter_mut().zip(crate::bytes::split(source, b'|')) {
            *slot = piece;
        }
        t
    }

    fn get(&self, index: usize) -> &'static str {
        self.0.get(index).copied().unwrap_or_default()
    }

    /// A category's label (by category index).
    pub fn label(&self, category: usize) -> &'static str {
        self.get(LABELS + category)
    }

    /// A category in lower case, mid-sentence.
    pub fn lower(&self, category: usize) -> &'static str {
        self.get(LOWER + category)
    }

    /// What an optional category is for, mid-sentence.
    pub fn uses(&self, category: usize) -> &'static str {
        self.get(USES + category)
    }

    /// A category's purpose.
    pub fn purpose(&self, category: usize) -> &'static str {
        self.get(PURPOSES + category)
    }

    /// Cookie table column heads: name, provider, purpose, retention.
    pub fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        (COLUMNS..COLUMNS + 4).map(|i| self.get(i))
    }
}

/// Bokmål.
#[cfg(feature = "nb")]
pub const NB: &str = concat!(
    "nb|", // code
    "Informasjonskapsler|", // title
    " bruker informasjonskapsler. Noen er nødvendige for at nettstedet skal virke.|", // intro
    " Andre bruker vi bare hvis du samtykker: til |", // intro_optional
    ". Du kan endre valget ditt når som helst.|", // intro_end
    " og |", // and
    "Les mer i personvernerklæringen|", // privacy
    "Godta alle|", // accept
    "Avvis alle|", // reject
    "Innstillinger|", // settings
    "Lagre valg|", // save
    "Innstillinger for informasjonskapsler|", // settings_title
    "Velg hva vi kan bruke informasjonskapsler til. Nødvendige informasjonskapsler kan ikke slås av.|", // settings_intro
    " (alltid på)|", // always_on
    "Tjenester og informasjonskapsler|", // details
    "Innholdet fra |", // blocked_a
    " er blokkert fordi det bruker informasjonskapsler til |", // blocked_b
    ". Du har ikke samtykket til det.|", // blocked_c
    "Tillat |", // allow
    "Nettleseren din sender Global Privacy Control. Derfor er markedsføring avslått til du selv slår det på.|", // gpc
    "Innstillingene for informasjonskapsler kunne ikke lastes. Vi bruker bare nødvendige informasjonskapsler.|", // broken
    "Bare nødvendige|", // only_necessary
    "Informasjonskapsler|", // reopen
    "Samtykke-ID: |", // consent_id
    "Nødvendige|", // labels[0]
    "Preferanser|", // labels[1]
    "Statistikk|", // labels[2]
    "Markedsføring|", // labels[3]
    "nødvendige|", // lower[0]
    "preferanser|", // lower[1]
    "statistikk|", // lower[2]
    "markedsføring|", // lower[3]
    "|", // uses[0]
    "å huske valgene dine|", // uses[1]
    "statistikk|", // uses[2]
    "markedsføring|", // uses[3]
    "Trengs for at nettstedet skal virke, for eksempel innlogging, skjema og sikkerhet. Krever ikke samtykke.|", // purposes[0]
    "Husker valg du gjør, som språk og visning.|", // purposes[1]
    "Teller besøk og viser hvordan nettstedet brukes, slik at vi kan forbedre det.|", // purposes[2]
    "Brukes av andre selskaper, som Facebook, til å vise innhold og annonser og følge deg på tvers av nettsteder.|", // purposes[3]
    "Navn|", // columns[0]
    "Leverandør|", // columns[1]
    "Formål|", // columns[2]
    "Lagringstid", // columns[3]
);

/// Nynorsk.
#[cfg(feature = "nn")]
pub const NN: &str = concat!(
    "nn|", // code
    "Informasjonskapslar|", // title
    " brukar informasjonskapslar. Nokre er naudsynte for at nettstaden skal verke.|", // intro
    " Andre brukar vi berre om du samtykkjer: til |", // intro_optional
    ". Du kan endre valet ditt når som helst.|", // intro_end
    " og |", // and
    "Les meir i personvernerklæringa|", // privacy
    "Godta alle|", // accept
    "Avvis alle|", // reject
    "Innstillingar|", // settings
    "Lagre val|", // save
    "Innstillingar for informasjonskapslar|", // settings_title
    "Vel kva vi kan bruke informasjonskapslar til. Naudsynte informasjonskapslar kan ikkje slåast av.|", // settings_intro
    " (alltid på)|", // always_on
    "Tenester og informasjonskapslar|", // details
    "Innhaldet frå |", // blocked_a
    " er blokkert fordi det brukar informasjonskapslar til |", // blocked_b
    ". Du har ikkje samtykt til det.|", // blocked_c
    "Tillat |", // allow
    "Nettlesaren din sender Global Privacy Control. Difor er marknadsføring slått av til du sjølv slår det på.|", // gpc
    "Innstillingane for informasjonskapslar kunne ikkje lastast. Vi brukar berre naudsynte informasjonskapslar.|", // broken
    "Berre naudsynte|", // only_necessary
    "Informasjonskapslar|", // reopen
    "Samtykke-ID: |", // consent_id
    "Naudsynte|", // labels[0]
    "Preferansar|", // labels[1]
    "Statistikk|", // labels[2]
    "Marknadsføring|", // labels[3]
    "naudsynte|", // lower[0]
    "preferansar|", // lower[1]
    "statistikk|", // lower[2]
    "marknadsføring|", // lower[3]
    "|", // uses[0]
    "å hugse vala dine|", // uses[1]
    "statistikk|", // uses[2]
    "marknadsføring|", // uses[3]
    "Trengst for at nettstaden skal verke, til dømes innlogging, skjema og tryggleik. Krev ikkje samtykke.|", // purposes[0]
    "Hugsar val du gjer, som språk og vising.|", // purposes[1]
    "Tel besøk og viser korleis nettstaden blir brukt, slik at vi kan gjere han betre.|", // purposes[2]
    "Blir brukte av andre selskap, som Facebook, til å vise innhald og annonsar og følgje deg på tvers av nettstader.|", // purposes[3]
    "Namn|", // columns[0]
    "Leverandør|", // columns[1]
    "Føremål|", // columns[2]
    "Lagringstid", // columns[3]
);

/// English.
#[cfg(feature = "en")]
pub const EN: &str = concat!(
    "en|", // code
    "Cookies|", // title
    " uses cookies. Some are necessary for the site to work.|", // intro
    " Others we use only if you consent: for |", // intro_optional
    ". You can change your choice at any time.|", // intro_end
    " and |", // and
    "Read more in the privacy statement|", // privacy
    "Accept all|", // accept
    "Reject all|", // reject
    "Settings|", // settings
    "Save choices|", // save
    "Cookie settings|", // settings_title
    "Choose what we may use cookies for. Necessary cookies cannot be switched off.|", // settings_intro
    " (always on)|", // always_on
    "Services and cookies|", // details
    "Content from |", // blocked_a
    " is blocked because it uses cookies for |", // blocked_b
    ". You have not consented to that.|", // blocked_c
    "Allow |", // allow
    "Your browser sends Global Privacy Control, so marketing is off until you switch it on yourself.|", // gpc
    "The cookie settings could not be loaded. We use only necessary cookies.|", // broken
    "Only necessary|", // only_necessary
    "Cookies|", // reopen
    "Consent ID: |", // consent_id
    "Necessary|", // labels[0]
    "Preferences|", // labels[1]
    "Statistics|", // labels[2]
    "Marketing|", // labels[3]
    "necessary|", // lower[0]
    "preferences|", // lower[1]
    "statistics|", // lower[2]
    "marketing|", // lower[3]
    "|", // uses[0]
    "remembering your choices|", // uses[1]
    "statistics|", // uses[2]
    "marketing|", // uses[3]
    "Needed for the site to work, such as login, forms and security. No consent needed.|", // purposes[0]
    "Remember choices you make, such as language and display.|", // purposes[1]
    "Count visits and show how the site is used, so that we can improve it.|", // purposes[2]
    "Used by other companies, such as Facebook, to show content and ads and to follow you across sites.|", // purposes[3]
    "Name|", // columns[0]
    "Provider|", // columns[1]
    "Purpose|", // columns[2]
    "Retention", // columns[3]
);

/// The texts for a `<html lang>` value: `nn…` Nynorsk, `en…` English, Bokmål otherwise (the
/// catalogue's rule).
/// A build with fewer languages falls back to the first it has (nb, nn, en).
pub fn for_lang(lang: &str) -> Texts {
    let wanted = Lang::from_html_lang(lang);
    let source = BUILT
        .iter()
        .find(|(l, _)| *l == wanted)
        .or(BUILT.first())
        .map_or("", |(_, s)| s);
    Texts::split(source)
}

/// The texts for this page: [`for_lang`] of `<html lang>`, which a one-language build (the
/// bootstrap already picked it by that rule) need not read.
pub fn for_page() -> Texts {
    match BUILT {
        [(_, only)] => Texts::split(only),
        _ => for_lang(&crate::dom::page_lang()),
    }
}

/// The languages built in.
const BUILT: &[(Lang, &str)] = &[
    #[cfg(feature = "nb")]
    (Lang::Nb, NB),
    #[cfg(feature = "nn")]
    (Lang::Nn, NN),
    #[cfg(feature = "en")]
    (Lang::En, EN),
];

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn language_follows_html_lang() {
        assert_eq!(for_lang("nn").code(), "nn");
        assert_eq!(for_lang("nn-NO").code(), "nn");
        assert_eq!(for_lang("en-GB").code(), "en");
        assert_eq!(for_lang("no").code(), "nb");
        assert_eq!(for_lang("nb").code(), "nb");
        assert_eq!(for_lang("de").code(), "nb");
        assert_eq!(for_lang("").code(), "nb");
        assert_eq!(for_lang("nno").code(), "nb");
        assert_eq!(for_lang("NN_no").code(), "nn");
    }

    #[wasm_bindgen_test]
    fn every_language_has_every_piece() {
        for source in [NB, NN, EN] {
            let pieces: alloc::vec::Vec<&str> = crate::bytes::split(source, b'|').collect();
            let t = Texts::split(source);
            assert_eq!(pieces.len(), PIECES, "{}", t.code());
            // Only "what necessary cookies are for, mid-sentence" is empty: it is never listed.
            let empty: alloc::vec::Vec<usize> =
                (0..PIECES).filter(|&i| pieces[i].is_empty()).collect();
            assert_eq!(empty, [USES], "{}", t.code());
        }
        assert_eq!(Texts::split(NN).label(3), "Marknadsføring");
        assert_eq!(Texts::split(EN).columns().last(), Some("Retention"));
        assert_eq!(Texts::split(NB).title(), "Informasjonskapsler");
    }
}
