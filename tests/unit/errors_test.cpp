// The restJson1 error protocol: status from the model, x-amzn-ErrorType,
// and a JSON body with the message.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "api/errors.hpp"
#include "api/model.hpp"
#include "state/result.hpp"

using gls::api::ApiError;
using gls::api::error_response;

namespace {

std::string header(const gls::HttpResponse& r, std::string_view name) {
  std::string found;
  int count = 0;
  for (const auto& [k, v] : r.headers)
    if (k == name) {
      found = v;
      ++count;
    }
  CHECK_MESSAGE(count == 1, "header " << name << " appears " << count << " times");
  return found;
}

// The body as JSON; both message members must be there and agree.
std::string body_message(const gls::HttpResponse& r) {
  rapidjson::Document doc;
  doc.Parse(r.body.data(), r.body.size());
  REQUIRE_MESSAGE(!doc.HasParseError(), "body is not JSON: " << r.body);
  REQUIRE(doc.IsObject());
  REQUIRE(doc.HasMember("message"));
  REQUIRE(doc.HasMember("Message"));
  REQUIRE(doc["message"].IsString());
  REQUIRE(doc["Message"].IsString());
  std::string lower(doc["message"].GetString(), doc["message"].GetStringLength());
  std::string upper(doc["Message"].GetString(), doc["Message"].GetStringLength());
  CHECK(lower == upper);
  CHECK(doc.MemberCount() == 2);
  return lower;
}

}  // namespace

TEST_CASE("error_response takes the status from the model, for every error shape") {
  struct Case {
    const char* code;
    int status;
  };
  for (const Case& c : {Case{"ValidationException", 400}, Case{"AccessDeniedException", 403},
                        Case{"ResourceNotFoundException", 404}, Case{"ConflictException", 409},
                        Case{"ServiceQuotaExceededException", 402}, Case{"ThrottlingException", 429},
                        Case{"InternalServerException", 500}, Case{"StreamSessionAccessNotReadyException", 409}}) {
    CAPTURE(c.code);
    const gls::api::Shape* shape = gls::api::service_model().shape(c.code);
    REQUIRE(shape != nullptr);
    CHECK(shape->is_error());
    CHECK(shape->error_status == c.status);

    ApiError e = gls::api::model_error(c.code, std::string("something about ") + c.code);
    CHECK(e.code == c.code);
    CHECK(e.status == c.status);

    gls::HttpResponse r = error_response(e);
    CHECK(r.status == c.status);
    CHECK(header(r, "x-amzn-ErrorType") == c.code);
    CHECK(header(r, "Content-Type") == "application/json");
    CHECK(body_message(r) == std::string("something about ") + c.code);
    CHECK(r.fault == gls::ConnectionFault::None);
  }
  // Only InternalServerException is the service's fault.
  CHECK(gls::api::service_model().shape("InternalServerException")->server_fault);
  CHECK_FALSE(gls::api::service_model().shape("ValidationException")->server_fault);
  CHECK(gls::api::service_model().shape("ThrottlingException")->throttling);
}

TEST_CASE("the message is escaped so that the body stays valid JSON") {
  const std::string nasty =
      "quote \" backslash \\ newline \n tab \t cr \r ctrl \x01 del \x7f slash / unicode \xC3\xA9\xF0\x9F\x98\x80 "
      "</script>";
  gls::HttpResponse r = error_response(gls::api::validation_error(nasty));
  CHECK(r.status == 400);
  CHECK(body_message(r) == nasty);
  // Control characters never appear raw.
  for (char c : r.body) CHECK(static_cast<unsigned char>(c) >= 0x20);
  CHECK(r.body.find("\\\"") != std::string::npos);
  CHECK(r.body.find("\\\\") != std::string::npos);
  CHECK(r.body.find("\\n") != std::string::npos);

  // An empty message is still a message.
  r = error_response(gls::api::validation_error(""));
  CHECK(body_message(r).empty());
  CHECK(r.body == R"({"message":"","Message":""})");
}

TEST_CASE("json_quote") {
  CHECK(gls::api::json_quote("") == "\"\"");
  CHECK(gls::api::json_quote("abc") == "\"abc\"");
  CHECK(gls::api::json_quote("a\"b") == "\"a\\\"b\"");
  CHECK(gls::api::json_quote("a\\b") == "\"a\\\\b\"");
  CHECK(gls::api::json_quote("line\nnext") == "\"line\\nnext\"");
  CHECK(gls::api::json_quote(std::string_view("nul\0x", 5)) == "\"nul\\u0000x\"");
  CHECK(gls::api::json_quote("\x1f") == "\"\\u001F\"");
  CHECK(gls::api::json_quote("\xC3\xA9") == "\"\xC3\xA9\"");
}

TEST_CASE("from_domain maps each ErrorKind to its model error") {
  struct Case {
    gls::ErrorKind kind;
    const char* code;
    int status;
  };
  for (const Case& c : {Case{gls::ErrorKind::Validation, "ValidationException", 400},
                        Case{gls::ErrorKind::NotFound, "ResourceNotFoundException", 404},
                        Case{gls::ErrorKind::Conflict, "ConflictException", 409},
                        Case{gls::ErrorKind::QuotaExceeded, "ServiceQuotaExceededException", 402},
                        Case{gls::ErrorKind::AccessNotReady, "StreamSessionAccessNotReadyException", 409},
                        Case{gls::ErrorKind::Internal, "InternalServerException", 500}}) {
    CAPTURE(c.code);
    ApiError e = gls::api::from_domain(gls::Error{c.kind, "why: " + std::string(c.code)});
    CHECK(e.code == c.code);
    CHECK(e.status == c.status);
    CHECK(e.message == "why: " + std::string(c.code));
  }
  // The helpers of result.hpp make the kinds they say.
  CHECK(gls::api::from_domain(gls::not_found("gone")).code == "ResourceNotFoundException");
  CHECK(gls::api::from_domain(gls::conflict("busy")).code == "ConflictException");
  CHECK(gls::api::from_domain(gls::quota_exceeded("full")).code == "ServiceQuotaExceededException");
  CHECK(gls::api::from_domain(gls::validation("bad")).code == "ValidationException");
  CHECK(gls::api::from_domain(gls::internal("oops")).code == "InternalServerException");
}

TEST_CASE("errors outside the model: transport and router") {
  struct Case {
    ApiError e;
    const char* code;
    int status;
  };
  for (const Case& c : {Case{gls::api::unknown_operation("u"), "UnknownOperationException", 404},
                        Case{gls::api::not_implemented("n"), "NotImplementedException", 501},
                        Case{gls::api::payload_too_large("p"), "RequestEntityTooLargeException", 413},
                        Case{gls::api::bad_request("b"), "BadRequestException", 400}}) {
    CAPTURE(c.code);
    CHECK(c.e.code == c.code);
    CHECK(c.e.status == c.status);
    gls::HttpResponse r = error_response(c.e);
    CHECK(r.status == c.status);
    CHECK(header(r, "x-amzn-ErrorType") == c.code);
    CHECK(body_message(r) == c.e.message);
  }
  // A name the model does not know is a 500, and keeps its name.
  ApiError e = gls::api::model_error("NoSuchException", "m");
  CHECK(e.code == "NoSuchException");
  CHECK(e.status == 500);
  // A model shape that is not an error does not lend its (zero) status.
  CHECK(gls::api::model_error("String", "m").status == 500);
}
