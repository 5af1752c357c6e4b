package dev.cutover.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DifferenceCsvTest {

    @Test
    void writesTheHeaderAndQuotesFieldsAsRfc4180() {
        StringWriter w = new StringWriter();
        DifferenceCsv csv = new DifferenceCsv(w);
        ObjectNode key = RowDiff.JSON.createObjectNode().put("order_id", 5).put("line_no", 2);
        ObjectNode src = RowDiff.JSON.createObjectNode().put("order_id", 5).put("line_no", 2)
                .put("note", "say \"hi\",\r\nbye").put("price", new BigDecimal("1.50"));
        src.putNull("gone");
        ObjectNode tgt = src.deepCopy().put("note", "other");
        csv.write(new Difference("Order Lines", key, List.of("5", "2"), Difference.Kind.DIFFERENT, List.of("note", "gone"), src, tgt));
        csv.write(new Difference("plain", RowDiff.JSON.createObjectNode().put("id", "a"), List.of("a"),
                Difference.Kind.MISSING_IN_TARGET, List.of(), RowDiff.JSON.createObjectNode().put("id", "a"), null));

        assertThat(w.toString()).isEqualTo("table,key,kind,columns,source_row,target_row\r\n"
                + "Order Lines,\"{\"\"order_id\"\":5,\"\"line_no\"\":2}\",different,note;gone,"
                + "\"{\"\"order_id\"\":5,\"\"line_no\"\":2,\"\"note\"\":\"\"say \\\"\"hi\\\"\",\\r\\nbye\"\",\"\"price\"\":1.50,\"\"gone\"\":null}\","
                + "\"{\"\"order_id\"\":5,\"\"line_no\"\":2,\"\"note\"\":\"\"other\"\",\"\"price\"\":1.50,\"\"gone\"\":null}\"\r\n"
                + "plain,\"{\"\"id\"\":\"\"a\"\"}\",missing_in_target,,\"{\"\"id\"\":\"\"a\"\"}\",\r\n");
    }

    @Test
    void quotesOnlyWhatNeedsIt() {
        assertThat(DifferenceCsv.field("abc")).isEqualTo("abc");
        assertThat(DifferenceCsv.field("")).isEqualTo("");
        assertThat(DifferenceCsv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(DifferenceCsv.field("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(DifferenceCsv.field("a\nb")).isEqualTo("\"a\nb\"");
        assertThat(DifferenceCsv.field("a\rb")).isEqualTo("\"a\rb\"");
    }
}
