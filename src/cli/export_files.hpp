// `vitopo analyze ATTN.npy --export DIR`: the research export's data files
// (the page's, without its figures and page-only fields) written into DIR.
#pragma once

#include <string>

#include "core/analysis.hpp"
#include "core/attention.hpp"

namespace vitopo::cli {

// Writes every data kind and manifest.json into `directory` (made if
// missing), named after `source` (the attention file); prints each path.
// Returns 0, or 1 when a file cannot be written (the message is printed).
int write_export(const std::string& directory, const std::string& source, const AttentionTensor& attention,
                 const Analysis& analysis, unsigned threads);

}  // namespace vitopo::cli
