//! Serves the consent-library fixtures on 127.0.0.1 and prints `name<TAB>url` per fixture, then
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
        println!("{}\t{}", f.name, fixtures.url(f.name));
    }
    println!("ready");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
