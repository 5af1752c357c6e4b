package dev.cutover.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper with Jackson's default configuration, shared by every class that reads or
 * writes plain JSON (control state, failed writes, keys, summaries, command output). A mapper is
 * thread-safe once configured and costly to build, so there is one. Never reconfigure it: a
 * reader or writer with other features is {@code MAPPER.reader().with(…)} /
 * {@code MAPPER.writer().with(…)}, and a mapper that needs other modules or defaults (the plan
 * file's strict reading, mismatch samples' exact numbers) builds its own.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }
}
