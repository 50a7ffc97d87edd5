package dev.jlb.it;

/** How an HTTP/1.1 response read to the end of its connection says where it ends. */
final class Framing {
    private Framing() {}

    /**
     * Whether the response is complete by its own framing: all of its Content-Length, or the last
     * chunk. A response ended only by the connection's close cannot be told from a cut one, so
     * it does not count as complete.
     */
    static boolean isComplete(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        String head = answer.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        String body = answer.substring(end + 4);
        if (head.contains("transfer-encoding: chunked")) {
            return body.endsWith("0\r\n\r\n");
        }
        for (String line : head.split("\r\n", -1)) {
            if (line.startsWith("content-length:")) {
                return body.length() == Integer.parseInt(line.substring(15).strip());
            }
        }
        return false;
    }
}
