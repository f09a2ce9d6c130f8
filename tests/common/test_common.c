#include "vb_common.h"
#include "vb_test.h"

#include <stdlib.h>

int main(void)
{
    vb_buf b = {0};
    VB_CHECK_INT(vb_buf_puts(&b, "Số: "), VB_OK);
    VB_CHECK_INT(vb_buf_printf(&b, "%d/%s", 117, "KH-UBND"), VB_OK);
    VB_CHECK_STR(b.data, "Số: 117/KH-UBND");
    size_t n;
    char *s = vb_buf_steal(&b, &n);
    VB_CHECK_INT(n, strlen("Số: 117/KH-UBND"));
    VB_CHECK(b.data == NULL && b.len == 0);
    free(s);

    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_error_set(&e, VB_ERR_RULES, "bad %s", "rule"), VB_ERR_RULES);
    vb_error_at(&e, "rules/x.rules", 3, 7);
    VB_CHECK_STR(e.message, "bad rule");
    VB_CHECK_STR(e.file, "rules/x.rules");
    VB_CHECK_INT(e.line * 100 + e.column, 307);

    VB_CHECK(vb_utf8_valid("Độc lập", strlen("Độc lập")));
    VB_CHECK(!vb_utf8_valid("\xC3\x28", 2));
    VB_CHECK(!vb_utf8_valid("\xE1\xBB", 2)); /* truncated */
    VB_CHECK(!vb_utf8_valid("\xC0\xAF", 2)); /* overlong */
    VB_CHECK(vb_utf8_valid("", 0));

    unsigned char *data;
    size_t len;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_read_file("/nonexistent/vanban", 0, &data, &len, &e), VB_ERR_INPUT);
    VB_CHECK_STR(e.file, "/nonexistent/vanban");
    return vb_test_finish();
}
