// What the benchmarks' stores start from: a READY application and an ACTIVE
// stream group with one location (the scope's Region) that is associated
// with it and has `always_on` units, written straight to the store.
#pragma once

#include <string>

#include "state/store/repository.hpp"

namespace gls::bench {

inline StreamGroup add_app_and_group(Store& db, const Scope& scope, const std::string& app_id,
                                     const std::string& group_id, int64_t always_on, int64_t created_ms) {
  Application app;
  app.id = app_id;
  app.description = "Sample game";
  app.runtime_type = "PROTON";
  app.runtime_version = "20241007";
  app.executable_path = "SampleGame/Binaries/Win64/SampleGame.exe";
  app.source_uri = "s3://amzn-s3-demo-bucket/sample-game";
  app.status = ApplicationStatus::Ready;
  app.created_ms = app.updated_ms = created_ms;
  repo::insert_application(db, scope, app);
  StreamGroup g;
  g.id = group_id;
  g.description = "Sample stream group";
  g.stream_class = "gen4n_high";
  g.default_app_id = app.id;
  g.status = StreamGroupStatus::Active;
  g.created_ms = g.updated_ms = created_ms;
  GroupLocation loc;
  loc.name = scope.region;
  loc.status = LocationStatus::Active;
  loc.always_on = always_on;
  loc.on_demand = 0;
  g.locations.push_back(loc);
  g.app_ids.push_back(app.id);
  repo::insert_stream_group(db, scope, g);
  return g;
}

}  // namespace gls::bench
