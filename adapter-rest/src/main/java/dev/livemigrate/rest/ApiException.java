package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;

/**
 * A request the control plane refuses: the HTTP status, the stable {@link ErrorCode}, and a detail that says what
 * was wrong and what to do. {@code extra} holds fields added to the error body ({@code fields}, {@code findings}).
 * Rendered by {@link Router} as {@code {error, errorCode, reason, detail, ...extra}}; never carries a stack trace.
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final ErrorCode code;
    private final transient ObjectNode extra;

    ApiException(int status, ErrorCode code, String detail) {
        this(status, code, detail, null);
    }

    ApiException(int status, ErrorCode code, String detail, ObjectNode extra) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.extra = extra;
    }

    int status() {
        return status;
    }

    ErrorCode code() {
        return code;
    }

    /** Fields added to the error body; {@code null} for none. */
    ObjectNode extra() {
        return extra;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(400, ErrorCode.INVALID_REQUEST, detail);
    }

    static ApiException notFound(String what) {
        return new ApiException(404, ErrorCode.NOT_FOUND, what);
    }
}
