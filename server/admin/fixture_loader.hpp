// Fixtures: resources loaded into an empty database.
//
// A fixtures file is a JSON object {"applications": [...], "streamGroups":
// [...], "streamSessions": [...], "streamUrls": [...]} whose items have the
// shape of the matching Get output (PascalCase members), all optional: IDs,
// statuses and timestamps get defaults. Items refer to each other by ID or
// ARN. Optional "account" and "region" say where the file's resources live
// (default: --account-id and --region).
//
// Each file is validated and loaded in one transaction: a file with one bad
// item loads nothing, and the error names the file, the item and the member.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "admin/json_outline.hpp"
#include "state/emulator.hpp"
#include "state/result.hpp"

namespace gls {

struct FixtureSource {
  std::string name;  // for messages: a path, or "built-in default.json"
  std::string text;
};

// The built-in fixtures/default.json.
FixtureSource default_fixtures();

// Reads a fixtures file, or every *.json file of a directory (by name).
Result<std::vector<FixtureSource>> read_fixture_sources(const std::string& file_or_dir);

// Validates and loads one source, all or nothing. The text is checked whole
// first, then each item is parsed and loaded on its own, so that memory
// holds the text and one item's tree, never the whole document's.
Status load_fixtures(Emulator& emu, const FixtureSource& source);

// The same for a document already outlined (its text still there, in
// memory or in its file), named `name` in messages; top-level members
// named in `ignored` are skipped.
Status load_fixtures(Emulator& emu, std::string_view name, const JsonOutline& document,
                     std::span<const std::string_view> ignored = {});

}  // namespace gls
