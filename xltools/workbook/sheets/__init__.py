"""One module per sheet of the appraisal workbook (summary, ranking, survey, detail, config); `common`
holds what every sheet writer uses. The builder (xltools.workbook.builder) calls them in order."""
