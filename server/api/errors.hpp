// The restJson1 error protocol.
//
// An error answer carries the HTTP status the model gives the error, the
// header `x-amzn-ErrorType: <ErrorName>` and a JSON body with the message
// (as `message`, which SDKs read, and as the modelled `Message` member).
#pragma once

#include <string>

#include "http/http_types.hpp"
#include "state/result.hpp"

namespace gls::api {

struct ApiError {
  std::string code;  // the error's name, e.g. "ResourceNotFoundException"
  int status = 500;
  std::string message;
};

// An error of the model, with the status the model gives it.
ApiError model_error(const std::string& code, std::string message);
ApiError validation_error(std::string message);

// Errors of the transport and the router, which the model does not describe.
ApiError unknown_operation(std::string message);   // 404
ApiError not_implemented(std::string message);     // 501
ApiError payload_too_large(std::string message);   // 413
ApiError bad_request(std::string message);         // 400, malformed HTTP

// The model error that a domain refusal of this kind is: the one place an
// ErrorKind becomes an HTTP status. Gone, which no operation of the model
// answers (only the stream URL player does), is a 410 StreamUrlGone.
ApiError from_domain(const Error& e);

// The HTTP response for an error (without x-amzn-RequestId, which the
// pipeline adds to every response).
HttpResponse error_response(const ApiError& e);

// A JSON string literal, quoted and escaped.
std::string json_quote(std::string_view s);

}  // namespace gls::api
