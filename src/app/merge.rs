//! Planning a mail merge: the template compiled, the data read, every row's output name made
//! and checked for clashes before anything is written.
//!
//! It plans only: rows are filled in and laid out by `batch`, and templating itself is
//! `crate::merge`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{self, Diagnostic};
use crate::merge::{self, Template};

use super::Mode;
use super::load::{MAX_TEXT_BYTES, Merge, read_source};
use super::plan::{self, Input, Job, Output};

/// What `merge` and `check --data` are asked to do.
pub(super) struct MergeRequest<'a> {
    pub(super) template: &'a Path,
    pub(super) data: &'a Path,
    /// `--delimiter`, if given.
    pub(super) delimiter: Option<u8>,
    pub(super) name: Option<&'a str>,
    pub(super) out_dir: Option<&'a Path>,
}

/// Reads the template and the data and plans one job per row.
pub(super) fn plan(mode: Mode, request: &MergeRequest<'_>) -> diag::Result<(Vec<Job>, Merge)> {
    let source = read_source(request.template, "template")?;
    // A row's letter obeys the size limit of a letter read from a file.
    let max_bytes = usize::try_from(MAX_TEXT_BYTES).unwrap_or(usize::MAX);
    let template = Template::parse(source, request.name.unwrap_or(""))?.with_max_bytes(max_bytes);
    let data_source = read_source(request.data, "data file")?;
    let data = merge::parse_data(&data_source, request.delimiter)?;
    // A name the data lacks is one mistake in the template, said once, not once per row.
    template.check_columns(&data)?;
    let stem = request.template.file_stem().map_or_else(
        || "letter".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    // `thank-you.template.md` makes `thank-you-0001.pdf` in `thank-you/`.
    let stem = stem.strip_suffix(".template").unwrap_or(&stem).to_string();
    let folder = request
        .template
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let out_dir = request
        .out_dir
        .map_or_else(|| folder.join(&stem), Path::to_path_buf);
    let width = data.rows.len().to_string().len().max(4);
    // Names first, all of them: a clash is refused before anything is written.
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    let mut jobs = Vec::with_capacity(data.rows.len());
    // Shared by the rows.
    let (data_path, template_folder): (Arc<Path>, Arc<Path>) =
        (Arc::from(data.path.as_path()), Arc::from(folder.as_path()));
    for (index, row) in data.rows.iter().enumerate() {
        let input = Input::Row(Box::new(plan::Row {
            index,
            number: row.number,
            line: row.line,
            data: data_path.clone(),
            folder: template_folder.clone(),
        }));
        if row.problem.is_some() {
            // A row whose fields cannot be matched to the columns fails when it is filled in;
            // it has no name to give, and nothing is written for it.
            jobs.push(Job::new(input, Output::Nowhere));
            continue;
        }
        let name = match request.name {
            Some(_) => template.name(row, &data.path)?,
            None => format!("{stem}-{:0width$}", row.number),
        };
        // Compared without case: the files may be copied to a disk that ignores it.
        if let Some(first) = taken.insert(name.to_lowercase(), row.number) {
            return Err(Diagnostic::error(format!(
                "rows {first} and {} of `{}` would both be written to `{name}.pdf`",
                row.number,
                data.path.display()
            ))
            .hint("make --name unique per row, e.g. add an id column: --name \"{{ last_name }}-{{ id }}\"")
            .boxed());
        }
        let output = match mode {
            Mode::Check => Output::Nowhere,
            Mode::Render => Output::File(out_dir.join(format!("{name}.pdf"))),
        };
        jobs.push(Job::new(input, output));
    }
    plan::refuse_collisions(&jobs)?;
    Ok((jobs, Merge { template, data }))
}
