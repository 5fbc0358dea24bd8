//! Serves the consent-library fixtures on 127.0.0.1 and prints `name<TAB>url<TAB>kind` per
//! fixture (kind: `library`, `no-banner`, or the finding kind of a dark pattern), then
//! a line `ready`; runs until its standard input closes (bench/cmps drives it that way).

use std::io::Read;

fn main() {
    let fixtures =
        match kapsel_cmp_fixtures::Fixtures::start(&kapsel_cmp_fixtures::default_tools_dir()) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("kapsel-cmp-fixtures: {e}");
                std::process::exit(2);
            }
        };
    for f in kapsel_cmp_fixtures::FIXTURES {
        let kind = match f.kind {
            kapsel_cmp_fixtures::Kind::Library => "library",
            kapsel_cmp_fixtures::Kind::NoBanner => "no-banner",
            kapsel_cmp_fixtures::Kind::DarkPattern(finding) => finding,
        };
        println!("{}\t{}\t{kind}", f.name, fixtures.url(f.name));
    }
    println!("ready");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
