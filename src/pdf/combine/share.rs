//! What the combined file holds once however many letters show it: images, and font subsets
//! under tags of their own.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

use lopdf::{Dictionary, Object, ObjectId};

use super::Combiner;
use super::objects::{renumber_object, serialize_dict, write_reference};

impl Combiner {
    /// Gives each distinct font subset of the letter a subset tag no other subset of the same
    /// font in the file has (ISO 32000-1 §9.6.4: distinct subsets, distinct tags). Every letter
    /// tags its own subsets `LHAAAA`, `LHAAAB`, …, so in the combined file letters with
    /// different text would name different programs `LHAAAA+NotoSerif`, and a reader that
    /// takes fonts by name could draw one letter with another's glyphs. A subset is known by
    /// its font name and a hash of its program; the same subset keeps the tag it got first.
    pub(super) fn retag_subsets(&mut self, doc: &mut lopdf::Document) {
        let mut fonts: Vec<SubsetFont> = Vec::new();
        for (id, object) in &doc.objects {
            let Object::Dictionary(dict) = object else {
                continue;
            };
            if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"Font".as_slice())
                || dict.get(b"Subtype").and_then(Object::as_name).ok()
                    == Some(b"CIDFontType2".as_slice())
                || dict.get(b"Subtype").and_then(Object::as_name).ok()
                    == Some(b"CIDFontType0".as_slice())
            {
                continue;
            }
            let Ok(name) = dict.get(b"BaseFont").and_then(Object::as_name) else {
                continue;
            };
            if subset_tag_of(name).is_none() {
                continue;
            }
            let descendant = match dict.get(b"DescendantFonts") {
                Ok(Object::Array(list)) => list.first().and_then(|d| d.as_reference().ok()),
                _ => None,
            };
            let holder = match descendant {
                Some(d) => doc.get_dictionary(d).ok(),
                None => Some(dict),
            };
            let inline = match dict.get(b"DescendantFonts") {
                Ok(Object::Array(list)) => list.first().and_then(|d| d.as_dict().ok()),
                _ => None,
            };
            let descriptor = [holder, inline]
                .into_iter()
                .flatten()
                .find_map(|d| d.get(b"FontDescriptor").and_then(Object::as_reference).ok());
            fonts.push((*id, descendant, descriptor, name.to_vec()));
        }
        for (font, descendant, descriptor, name) in fonts {
            let Some((tag, base)) = subset_tag_of(&name) else {
                continue;
            };
            let program = descriptor
                .and_then(|d| doc.get_dictionary(d).ok())
                .and_then(|d| {
                    [b"FontFile2".as_slice(), b"FontFile3", b"FontFile"]
                        .iter()
                        .find_map(|key| d.get(key).and_then(Object::as_reference).ok())
                })
                .and_then(|p| doc.get_object(p).ok())
                .and_then(|p| p.as_stream().ok())
                .map_or(&[][..], |p| p.content.as_slice());
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for b in program {
                hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
            let key = (base.to_vec(), hash);
            let new_tag = match self.subsets.get(&key) {
                Some(tag) => tag.clone(),
                None => {
                    let mut candidate = tag.to_vec();
                    while self.tags_used.contains(&(candidate.clone(), base.to_vec())) {
                        candidate = crate::pdf::subset_tag(self.next_tag).into_bytes();
                        self.next_tag += 1;
                    }
                    self.tags_used.insert((candidate.clone(), base.to_vec()));
                    self.subsets.insert(key, candidate.clone());
                    candidate
                }
            };
            if new_tag == tag {
                continue;
            }
            let mut renamed = new_tag;
            renamed.push(b'+');
            renamed.extend_from_slice(base);
            let rename = |dict: &mut Dictionary, key: &[u8]| {
                if dict.has(key) {
                    dict.set(key.to_vec(), Object::Name(renamed.clone()));
                }
            };
            if let Ok(dict) = doc.get_dictionary_mut(font) {
                rename(dict, b"BaseFont");
                if let Ok(Object::Array(list)) = dict.get_mut(b"DescendantFonts")
                    && let Some(Object::Dictionary(cid)) = list.first_mut()
                {
                    rename(cid, b"BaseFont");
                }
            }
            if let Some(id) = descendant
                && let Ok(dict) = doc.get_dictionary_mut(id)
            {
                rename(dict, b"BaseFont");
            }
            if let Some(id) = descriptor
                && let Ok(dict) = doc.get_dictionary_mut(id)
            {
                rename(dict, b"FontName");
            }
        }
    }

    /// Points the letter at image XObjects an earlier letter wrote already, and leaves its own
    /// copies out (`skip`). Soft masks come first, so that an image's `/SMask` reference is
    /// already the shared one when the image itself is compared.
    pub(super) fn share_images(
        &mut self,
        doc: &mut lopdf::Document,
        skip: &mut BTreeSet<ObjectId>,
    ) -> BTreeMap<ObjectId, ObjectId> {
        let is_image = |o: &Object| match o {
            Object::Stream(s) => {
                s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image")
            }
            _ => false,
        };
        let mut remap: BTreeMap<ObjectId, ObjectId> = BTreeMap::new();
        for masked in [false, true] {
            let ids: Vec<ObjectId> = doc
                .objects
                .iter()
                .filter(|(_, o)| is_image(o))
                .filter(|(_, o)| matches!(o, Object::Stream(s) if s.dict.has(b"SMask") == masked))
                .map(|(id, _)| *id)
                .collect();
            for id in ids {
                let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) else {
                    continue;
                };
                rewrite(&mut stream.dict, &remap);
                let key = image_digest(stream);
                match self.images.get(&key) {
                    Some(&shared) => {
                        remap.insert(id, (shared, 0));
                        skip.insert(id);
                    }
                    None => {
                        self.images.insert(key, id.0);
                    }
                }
            }
        }
        if !remap.is_empty() {
            for object in doc.objects.values_mut() {
                match object {
                    Object::Dictionary(dict) => rewrite(dict, &remap),
                    Object::Stream(stream) => rewrite(&mut stream.dict, &remap),
                    _ => {}
                }
            }
        }
        remap
    }
}

/// A subset font of a letter: its font dictionary, its descendant CID font when that is an
/// object of its own, its font descriptor, and its tagged name.
type SubsetFont = (ObjectId, Option<ObjectId>, Option<ObjectId>, Vec<u8>);

/// The subset tag and the font name of a subset font's name (`ABCDEF+Name`).
fn subset_tag_of(name: &[u8]) -> Option<(&[u8], &[u8])> {
    let (tag, rest) = name.split_at_checked(6)?;
    let base = rest.strip_prefix(b"+")?;
    tag.iter()
        .all(u8::is_ascii_uppercase)
        .then_some((tag, base))
}

/// Replaces references by `remap`, anywhere in a dictionary.
fn rewrite(dict: &mut Dictionary, remap: &BTreeMap<ObjectId, ObjectId>) {
    let map = |id: ObjectId| remap.get(&id).copied().unwrap_or(id);
    dict.iter_mut().for_each(|(_, v)| renumber_object(v, &map));
}

/// A 128-bit digest of an image stream: its dictionary as written and its data.
fn image_digest(stream: &lopdf::Stream) -> u128 {
    let mut bytes = Vec::new();
    serialize_dict(&stream.dict, &mut bytes, &mut write_reference);
    let mut a = std::collections::hash_map::DefaultHasher::new();
    let mut b = std::collections::hash_map::DefaultHasher::new();
    "letterhead-combined-image".hash(&mut b);
    for h in [&mut a, &mut b] {
        bytes.hash(h);
        stream.content.hash(h);
    }
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}
