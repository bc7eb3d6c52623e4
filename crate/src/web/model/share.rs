//! What the Share / embed dialog writes for a figure as it is now: the link, the
//! `<backprop-lab>` element, the iframe, and the snippets for mdBook, MyST/Jupyter Book and
//! Reveal.js. Pure text, tested on the host; the shell puts each in a read-only field (as
//! text) with a Copy button.

/// One snippet: its heading and its text.
pub struct Snippet {
    pub title: &'static str,
    pub text: String,
}

/// `s` safe inside a double-quoted HTML attribute.
pub fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The figure's keys without `embed` (a link opens the full page; the iframe adds it back).
fn without_embed(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs.iter().filter(|(k, _)| k != "embed").cloned().collect()
}

/// A query string from pairs, percent-encoding what a URL must not carry raw.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => out.push(b as char),
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// The snippets for the figure with these query pairs. `base` is the folder the lab is
/// served from (ending in `/`), `height` the iframe height that fits the figure now.
pub fn snippets(base: &str, pairs: &[(String, String)], height: u32) -> Vec<Snippet> {
    let pairs = without_embed(pairs);
    let query = encode_query(&pairs);
    let link = if query.is_empty() { format!("{base}index.html") } else { format!("{base}index.html?{query}") };
    let mut framed = vec![("embed".to_string(), "1".to_string())];
    framed.extend(pairs.iter().cloned());
    let src = format!("{base}index.html?{}", encode_query(&framed));
    let attrs: String = pairs.iter().map(|(k, v)| format!(" {k}=\"{}\"", attr_escape(v))).collect();
    let element = format!(
        "<script type=\"module\" src=\"{base}backprop-lab.js\"></script>\n<backprop-lab{attrs}></backprop-lab>"
    );
    let iframe = format!(
        "<iframe data-backprop-lab src=\"{}\" title=\"Backprop Lab figure\" width=\"100%\" height=\"{height}\" \
         style=\"border:0\" loading=\"lazy\"></iframe>\n<script src=\"{base}embed.js\" defer></script>",
        attr_escape(&src)
    );
    let mdbook = format!(
        "<!-- in a chapter's Markdown: mdBook passes HTML through as it is -->\n{iframe}\n\n<!-- or the element -->\n{element}"
    );
    let myst = format!(
        "```{{raw}} html\n{iframe}\n```\n\n% or, without the resizing script\n:::{{iframe}} {src}\n:width: 100%\n:::"
    );
    let reveal = format!(
        "<section>\n  <h2>Backpropagation</h2>\n  <backprop-lab{attrs}></backprop-lab>\n</section>\n\n\
         <!-- once, after reveal.js: the element, and embed.js to pause figures on hidden slides -->\n\
         <script type=\"module\" src=\"{base}backprop-lab.js\"></script>\n<script src=\"{base}embed.js\" defer></script>"
    );
    vec![
        Snippet { title: "Link", text: link },
        Snippet { title: "Element (<backprop-lab>)", text: element },
        Snippet { title: "iframe", text: iframe },
        Snippet { title: "mdBook", text: mdbook },
        Snippet { title: "MyST / Jupyter Book", text: myst },
        Snippet { title: "Reveal.js", text: reveal },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(kv: &[(&str, &str)]) -> Vec<(String, String)> {
        kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_snippet_carries_the_state() {
        let pairs = p(&[("view", "train"), ("data", "xor"), ("panels", "boundary,loss"), ("embed", "1")]);
        let s = snippets("https://lab.example/", &pairs, 512);
        let titles: Vec<&str> = s.iter().map(|s| s.title).collect();
        assert_eq!(
            titles,
            ["Link", "Element (<backprop-lab>)", "iframe", "mdBook", "MyST / Jupyter Book", "Reveal.js"]
        );
        assert_eq!(s[0].text, "https://lab.example/index.html?view=train&data=xor&panels=boundary,loss");
        assert!(s[1]
            .text
            .contains("<backprop-lab view=\"train\" data=\"xor\" panels=\"boundary,loss\"></backprop-lab>"));
        assert!(!s[1].text.contains("embed="), "the element needs no embed key");
        assert!(s[2].text.contains("src=\"https://lab.example/index.html?embed=1&amp;view=train&amp;data=xor"));
        assert!(s[2].text.contains("height=\"512\"") && s[2].text.contains("data-backprop-lab"));
        assert!(s[2].text.contains("embed.js"));
        for snippet in &s[3..] {
            assert!(snippet.text.contains("data=\"xor\"") || snippet.text.contains("data=xor"), "{}", snippet.title);
        }
        assert!(s[4].text.starts_with("```{raw} html"));
    }

    #[test]
    fn hostile_values_stay_text() {
        let pairs = p(&[("expr", "x = 1\" onload=\"alert(1)<script>\nf = x & x")]);
        let s = snippets("./", &pairs, 400);
        assert!(s[1].text.contains("expr=\"x = 1&quot; onload=&quot;alert(1)&lt;script&gt;\nf = x &amp; x\""));
        assert!(!s[2].text.contains("<script>\n") && !s[2].text.contains("onload=\""));
        assert!(s[0].text.contains("expr=x+%3D+1%22+onload%3D%22alert%281%29%3Cscript%3E%0Af+%3D+x+%26+x"));
    }
}
