//! Lead phrases for PDFs that carry no italic information: the fallback only, used when a
//! document marks nothing italic (English, French, Spanish).

const LEADS: &[&str] = &[
    // English, preambular
    "Recalling",
    "Recalling also",
    "Recalling further",
    "Reaffirming",
    "Reaffirming also",
    "Recognizing",
    "Recognizing also",
    "Noting",
    "Noting also",
    "Noting with concern",
    "Noting with appreciation",
    "Noting with satisfaction",
    "Welcoming",
    "Welcoming also",
    "Bearing in mind",
    "Stressing",
    "Emphasizing",
    "Expressing",
    "Expressing concern",
    "Acknowledging",
    "Having considered",
    "Having examined",
    "Mindful",
    "Guided by",
    "Convinced",
    "Concerned",
    "Deeply concerned",
    "Aware",
    "Considering",
    "Determined",
    "Underlining",
    "Alarmed",
    "Deploring",
    "Taking note",
    "Affirming",
    "Reiterating",
    "Appreciating",
    "Believing",
    "Conscious",
    "Desiring",
    "Encouraged",
    "Gravely concerned",
    "Seriously concerned",
    // English, operative
    "Decides",
    "Also decides",
    "Further decides",
    "Requests",
    "Also requests",
    "Further requests",
    "Calls upon",
    "Also calls upon",
    "Urges",
    "Also urges",
    "Reaffirms",
    "Reaffirms once again",
    "Recalls",
    "Takes note",
    "Takes note with appreciation",
    "Welcomes",
    "Also welcomes",
    "Encourages",
    "Also encourages",
    "Invites",
    "Also invites",
    "Approves",
    "Adopts",
    "Affirms",
    "Expresses",
    "Condemns",
    "Strongly condemns",
    "Demands",
    "Emphasizes",
    "Stresses",
    "Also stresses",
    "Underlines",
    "Reiterates",
    "Notes",
    "Also notes",
    "Recognizes",
    "Authorizes",
    "Proclaims",
    "Endorses",
    "Acknowledges",
    "Commends",
    "Appeals",
    "Resolves",
    // French
    "Rappelant",
    "Réaffirmant",
    "Reconnaissant",
    "Notant",
    "Prenant note",
    "Accueillant avec satisfaction",
    "Soulignant",
    "Consciente",
    "Convaincue",
    "Considérant",
    "Profondément préoccupée",
    "Décide",
    "Prie",
    "Demande",
    "Engage",
    "Invite",
    "Réaffirme",
    "Prend note",
    "Accueille avec satisfaction",
    "Souligne",
    "Encourage",
    "Approuve",
    "Adopte",
    "Exhorte",
    // Spanish
    "Recordando",
    "Reafirmando",
    "Reconociendo",
    "Observando",
    "Tomando nota",
    "Acogiendo con beneplácito",
    "Destacando",
    "Consciente",
    "Convencida",
    "Considerando",
    "Profundamente preocupada",
    "Decide",
    "Solicita",
    "Pide",
    "Exhorta",
    "Invita",
    "Reafirma",
    "Toma nota",
    "Acoge con beneplácito",
    "Destaca",
    "Alienta",
    "Aprueba",
    "Insta",
];

/// The longest lexicon phrase that opens `text` as whole words.
pub fn lead(text: &str) -> Option<&'static str> {
    LEADS
        .iter()
        .filter(|l| {
            text.starts_with(**l)
                && text[l.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
        .max_by_key(|l| l.len())
        .copied()
}

#[cfg(test)]
mod tests {
    #[test]
    fn longest_whole_word_match() {
        assert_eq!(
            super::lead("Recalling also the cooperation"),
            Some("Recalling also")
        );
        assert_eq!(super::lead("Notes that"), Some("Notes"));
        assert_eq!(super::lead("Noteworthy"), None);
        assert_eq!(super::lead("Prend note du rapport"), Some("Prend note"));
    }
}
