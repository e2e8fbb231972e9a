#include "api/errors.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/model.hpp"

namespace gls::api {

ApiError model_error(const std::string& code, std::string message) {
  const Shape* s = service_model().shape(code);
  return {code, s && s->is_error() ? s->error_status : 500, std::move(message)};
}

ApiError validation_error(std::string message) { return model_error("ValidationException", std::move(message)); }
ApiError unknown_operation(std::string message) { return {"UnknownOperationException", 404, std::move(message)}; }
ApiError not_implemented(std::string message) { return {"NotImplementedException", 501, std::move(message)}; }
ApiError payload_too_large(std::string message) { return {"RequestEntityTooLargeException", 413, std::move(message)}; }
ApiError bad_request(std::string message) { return {"BadRequestException", 400, std::move(message)}; }

ApiError from_domain(const Error& e) {
  switch (e.kind) {
    case ErrorKind::Validation: return model_error("ValidationException", e.message);
    case ErrorKind::NotFound: return model_error("ResourceNotFoundException", e.message);
    case ErrorKind::Conflict: return model_error("ConflictException", e.message);
    // No operation of the model refuses this way: only the stream URL player does.
    case ErrorKind::Gone: return {"StreamUrlGone", 410, e.message};
    case ErrorKind::QuotaExceeded: return model_error("ServiceQuotaExceededException", e.message);
    case ErrorKind::AccessNotReady: return model_error("StreamSessionAccessNotReadyException", e.message);
    case ErrorKind::AccessDenied: return model_error("AccessDeniedException", e.message);
    case ErrorKind::Internal: break;
  }
  return model_error("InternalServerException", e.message);
}

std::string json_quote(std::string_view s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

HttpResponse error_response(const ApiError& e) {
  HttpResponse r;
  r.status = e.status;
  r.set_header("Content-Type", "application/json");
  r.set_header("x-amzn-ErrorType", e.code);
  std::string m = json_quote(e.message);
  r.body = "{\"message\":" + m + ",\"Message\":" + m + "}";
  return r;
}

}  // namespace gls::api
