//! Ids as text. The hyphenated form, the one every id leaves this crate in and nearly every id
//! comes back in, is read here digit by digit; uuid's parser, which reads every form, takes the
//! rest (docs/choices.md has the figures).

use uuid::Uuid;

/// An id in hyphenated form, `8-4-4-4-12` hex digits of either case; `None` for any other text.
pub fn parse_hyphenated(text: &str) -> Option<Uuid> {
    let text = text.as_bytes();
    if text.len() != 36 {
        return None;
    }
    let mut bytes = [0u8; 16];
    let mut at = 0;
    for byte in &mut bytes {
        if matches!(at, 8 | 13 | 18 | 23) {
            if text[at] != b'-' {
                return None;
            }
            at += 1;
        }
        *byte = (hex(text[at])? << 4) | hex(text[at + 1])?;
        at += 2;
    }
    Some(Uuid::from_bytes(bytes))
}

/// An id in any of uuid's text forms (hyphenated, simple, braced, URN).
pub fn parse_any(text: &str) -> Option<Uuid> {
    parse_hyphenated(text).or_else(|| Uuid::try_parse(text).ok())
}

fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// uuid's own parser, the reference, for 36 characters (where only the hyphenated form fits).
    fn reference(text: &str) -> Option<Uuid> {
        Uuid::try_parse(text).ok().filter(|_| text.len() == 36)
    }

    #[test]
    fn reads_every_hyphenated_id_as_uuid_reads_it_and_refuses_what_it_refuses() {
        let mut state: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
        let mut texts = Vec::new();
        for _ in 0..2_000 {
            // A xorshift walk: ids with every digit in every place.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let id = Uuid::from_u128(state).hyphenated().to_string();
            texts.push(id.to_ascii_uppercase());
            texts.push(id.clone());
            for (at, wrong) in [
                (0, 'g'),
                (8, '0'),
                (13, 'x'),
                (18, '+'),
                (23, ' '),
                (35, 'G'),
                (7, '-'),
            ] {
                let mut bytes = id.clone().into_bytes();
                bytes[at] = wrong as u8;
                texts.push(String::from_utf8(bytes).unwrap());
            }
        }
        texts.extend(
            [
                "",
                "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6",
                "é190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a",
            ]
            .map(String::from),
        );
        for text in &texts {
            assert_eq!(parse_hyphenated(text), reference(text), "{text}");
            assert_eq!(parse_any(text), Uuid::try_parse(text).ok(), "{text}");
        }
        let simple = "0190f5b23c4d7e8f9a0b1c2d3e4f5a6b";
        assert_eq!(parse_hyphenated(simple), None);
        assert_eq!(parse_any(simple), Uuid::try_parse(simple).ok());
        let braced = "{0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b}";
        assert_eq!(parse_any(braced), parse_any(&braced[1..37]));
        assert!(parse_any(braced).is_some());
    }
}
