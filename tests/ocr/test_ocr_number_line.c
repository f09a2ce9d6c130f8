/* Which header lines get a second reading: a number line whose symbol OCR
 * broke, never a well-formed one or a line that is no number line. */
#include "vb_ocr_internal.h"
#include "vb_test.h"

int main(void)
{
    /* well formed: kept as read */
    VB_CHECK_INT(vb_layout_number_line("Số: 117/KH-UBND"), 1);
    VB_CHECK_INT(vb_layout_number_line("Số: 2345/QĐ-UBND"), 1);
    VB_CHECK_INT(vb_layout_number_line("SỐ: 22/HD-STP"), 1);
    VB_CHECK_INT(vb_layout_number_line("Số: 15/2025/QĐ-UBND"), 1);
    VB_CHECK_INT(vb_layout_number_line("Số: 70-NQ/TW"), 1);
    VB_CHECK_INT(vb_layout_number_line("Số: 06/CT-BCA-V05"), 1);
    /* broken by OCR: read again */
    VB_CHECK_INT(vb_layout_number_line("Số: 1177KH:UBND"), 0); /* "/" read as 7, "-" as ":" */
    VB_CHECK_INT(vb_layout_number_line("Số: 22/HD-ST P"), 0);
    VB_CHECK_INT(vb_layout_number_line("Số; 11 7 KH-UBN Ibễ"), 0);
    VB_CHECK_INT(vb_layout_number_line("Số: 117/kh-ubnd"), 0);
    /* no number line */
    VB_CHECK_INT(vb_layout_number_line("ỦY BAN NHÂN DÂN"), -1);
    VB_CHECK_INT(vb_layout_number_line("SỞ TƯ PHÁP"), -1);
    VB_CHECK_INT(vb_layout_number_line("Số:"), -1);
    VB_CHECK_INT(vb_layout_number_line(""), -1);
    return vb_test_finish();
}
