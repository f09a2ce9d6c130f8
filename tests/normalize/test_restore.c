/* Diacritic restoration and OCR repair, against the committed model
 * (models/vi-syllable.lm, built by scripts/build-lm). */
#include "normalize_test.h"
#include "vb_normalize.h"
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *run(vb_normalize *nz, const char *s)
{
    return vb_test_normalize(nz, s);
}

/* A restorer with the tone style and the name lexicon (NULL: the default). */
static vb_normalize *make(int style, const char *names_path)
{
    vb_normalize_opts o = {0};
    o.restore = 1;
    o.tone_style = style;
    o.names_path = names_path;
    vb_normalize *nz = NULL;
    vb_error e;
    vb_error_clear(&e);
    if (vb_normalize_create(&nz, &o, &e) != VB_OK)
        fprintf(stderr, "cannot create: %s: %s\n", e.file, e.message);
    return nz;
}

static void test_seeds(vb_normalize *nz)
{
    /* lines of ../shared/seeds (English-model OCR) */
    VB_CHECK_STR(run(nz, "Pjc 1ap - Tw do - Hanh phiic"), "Độc lập - Tự do - Hạnh phúc");
    VB_CHECK_STR(run(nz, "S6: 36 /KH-UBND ngay 11 thang 3 nam 2025"),
                 "Số: 36/KH-UBND ngày 11 tháng 3 năm 2025");
    VB_CHECK_STR(run(nz, "Thuc hién Chi thi s6 01-CT/TU ngay 22/10/2025 ctia Ban Thuong vu"),
                 "Thực hiện Chỉ thị số 01-CT/TU ngày 22/10/2025 của Ban Thường vụ");
    VB_CHECK_STR(run(nz, "phong trao toan dan bao v¢ an ninh T6 quéc"),
                 "phong trào toàn dân bảo vệ an ninh Tổ quốc");
    /* a short text with few OCR words of the digit kind is still OCR text:
     * "Pjc", "phiic" are no syllable's letters */
    const char *head = run(nz, " THI TRAN TAN KHAI Pjc lap - Ty do - Hanh phiic\n"
                               "S6: 36 /KH-UBND Tan Khai, ngay 11 thang 3 nam 2025\nKE HOACH\n");
    VB_CHECK(strstr(head, "Độc lập - Tự do - Hạnh phúc\n") != NULL);
    VB_CHECK(strstr(head, "\nSố: 36/KH-UBND ") != NULL);
    VB_CHECK(strstr(head, "\nKẾ HOẠCH") != NULL);
    /* codes OCR split off a symbol stay codes, not syllables (W -> U, TTg -> Tô) */
    const char *nq = run(nz, "Nghi quyét s6 70- NQ/T W ngay 20/8/2025 vé dam béo an ninh");
    VB_CHECK(strstr(nq, "số 70- NQ/T W ngày 20/8/2025") != NULL);
    const char *qd = run(nz, "Quyet dinh s6 521/Qb- -TTg ngay 13/6/2005 cua Thu tuéng Chinh phu");
    VB_CHECK(strstr(qd, "số 521/Qb- -TTg ngày 13/6/2005 của Thủ tướng Chính phủ") != NULL);
    /* a mark's vowel lost ("T qudc"), Ủ read as G ("Tinh Gy") */
    const char *tq = run(nz, "Nghi quyet s0 33-NQ/T U ciia Ban Thwong vu Tinh Gy vé nang cao chat "
                             "lwgng cong tac xdy dung phong trao toan din bio vé an ninh T qudc");
    VB_CHECK(strstr(tq, "Ban Thường vụ Tỉnh Ủy về") != NULL);
    VB_CHECK(strstr(tq, "an ninh Tổ quốc") != NULL);
}

static void test_stripped(vb_normalize *nz)
{
    VB_CHECK_STR(run(nz, "Thuc hien Ke hoach so 71/KH-UBND ngay 04/03/2025 cua UBND tinh"),
                 "Thực hiện Kế hoạch số 71/KH-UBND ngày 04/03/2025 của UBND tỉnh");
    VB_CHECK_STR(run(nz, "CONG HOA XA HOI CHU NGHIA VIET NAM"),
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    VB_CHECK_STR(run(nz, "Can cu Luat To chuc Chinh phu ngay 19 thang 6 nam 2015;"),
                 "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;");
}

/* Proper names read with the name lexicon (rules/normalize/names.tsv); the
 * general model alone reads them as ordinary text. */
static void test_names(vb_normalize *nz)
{
    vb_normalize *plain = make(VB_TONE_KEEP, "");
    VB_CHECK(plain != NULL);
    if (!plain)
        return;
    /* English-model OCR (../shared/seeds): the signer beside the last
     * recipient, the place of the date line, the unit in the issuer line */
    const char *sig = "Noi nhin: CHU TICH\n- B§ Cong an (Cuc XDPT bao vé ANTQ);\n"
                      "- Thuong trye Tinh uy;\n- Luu: VT, NC, CAT% Phan Huy Nggc\n";
    VB_CHECK(strstr(run(nz, sig), "CÁT% Phan Huy Ngọc") != NULL);
    VB_CHECK(strstr(run(plain, sig), "CÁT% Phân Hủy Ngọc") != NULL);
    const char *head = " THI TRAN TAN KHAI Pjc lap - Ty do - Hanh phiic\n"
                       "S6: 36 /KH-UBND Tan Khai, ngay 11 thang 3 nam 2025\nKE HOACH\n";
    VB_CHECK(strstr(run(nz, head), "THỊ TRẤN TÂN KHAI Độc lập") != NULL);
    VB_CHECK(strstr(run(nz, head), "/KH-UBND Tân Khai, ngày 11 tháng 3 năm 2025\n") != NULL);
    VB_CHECK(strstr(run(plain, head), "/KH-UBND Tấn Khai, ngày") != NULL);
    /* marks stripped */
    VB_CHECK_STR(run(nz, "CHU TICH\nPhan Huy Ngoc"), "CHỦ TỊCH\nPhan Huy Ngọc");
    VB_CHECK_STR(run(nz, "Uy ban nhan dan thi tran Tan Khai; co quan Nha nuoc"),
                 "Ủy ban nhân dân thị trấn Tân Khai; cơ quan Nhà nước");
    /* a place the lexicon spells */
    VB_CHECK_STR(run(nz, "Uy ban nhan dan huyen Hon Quan ve nang cao chat luong"),
                 "Ủy ban nhân dân huyện Hớn Quản về nâng cao chất lượng");
    /* do no harm: names written with valid marks in good text stay */
    const char *clean = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; "
                        "theo đề nghị của Giám đốc Sở Nội vụ, Ủy ban nhân dân thị trấn Tấn Khai "
                        "giao ông Lê Tấn Dũng và ông Phân Văn Hủy, Trịnh Văn Khải thực hiện.";
    VB_CHECK_STR(run(nz, clean), clean);
    vb_normalize_destroy(&plain);
}

static void test_do_no_harm(vb_normalize *nz)
{
    const char *clean[] = {
        "Căn cứ Thông tư số 124/2021/TT-BCA của Bộ Công an; hằng năm và hàng năm.",
        "Giao Công an tỉnh chủ trì, phối hợp với Ủy ban MTTQ Việt Nam tỉnh (UBND, ANTQ).",
        "Hòa bình, hoà giải; thủy lợi, thuỷ sản; điểm a, b, đ khoản 2 Điều 5.",
        "Người ký: PHÓ CHỦ TỊCH THƯỜNG TRỰC Nguyễn Văn A",
        "",
    };
    for (size_t i = 0; i < sizeof clean / sizeof *clean; i++)
        VB_CHECK_STR(run(nz, clean[i]), clean[i]);
}

static void test_case_and_rules(vb_normalize *nz)
{
    VB_CHECK_STR(run(nz, "PHÁT TRIỂN tỪ CƠ SỞ"), "PHÁT TRIỂN TỪ CƠ SỞ");
    VB_CHECK_STR(run(nz, "thực hiện trong quý 11/2026 và quý 111/2026"),
                 "thực hiện trong quý II/2026 và quý III/2026");
    VB_CHECK_STR(run(nz, "thực hiện trong quý 1/2026"), "thực hiện trong quý 1/2026");
    /* spaces OCR puts inside symbols */
    VB_CHECK_STR(run(nz, "Nghị định số 02/2020/NĐ- CP ngày 12/ 11/2021"),
                 "Nghị định số 02/2020/NĐ-CP ngày 12/11/2021");
    VB_CHECK_STR(run(nz, "Số: 36 /KH-UBND"), "Số: 36/KH-UBND");
    VB_CHECK_STR(run(nz, "Độc lập - Tự do; từ 2025 - 2030; 5 / 10"),
                 "Độc lập - Tự do; từ 2025 - 2030; 5 / 10");
}

static void test_tone_style(void)
{
    /* keep: restored syllables follow the style the text already uses */
    vb_normalize *keep = make(VB_TONE_KEEP, NULL);
    if (keep) {
        VB_CHECK(strstr(run(keep, "Hoà giải ở cơ sở, thuỷ lợi và hoa giai tai co so."),
                        "và hoà giải tại cơ sở.") != NULL);
        VB_CHECK(strstr(run(keep, "Hòa giải ở cơ sở, thủy lợi và hoa giai tai co so."),
                        "và hòa giải tại cơ sở.") != NULL);
    }
    vb_normalize_destroy(&keep);
    vb_normalize *old = make(VB_TONE_OLD, NULL), *neu = make(VB_TONE_NEW, NULL);
    VB_CHECK(old && neu);
    if (old && neu) {
        VB_CHECK_STR(run(old, "Cộng hoà, thuỷ lợi, hoàng"), "Cộng hòa, thủy lợi, hoàng");
        VB_CHECK_STR(run(neu, "Cộng hòa, thủy lợi, hoàng"), "Cộng hoà, thuỷ lợi, hoàng");
        VB_CHECK_STR(run(neu, "CONG HOA"), "CỘNG HOÀ");
    }
    vb_normalize_destroy(&old);
    vb_normalize_destroy(&neu);
}

static void test_explain(vb_normalize *nz)
{
    const char *in = "Doc lap - Tu do";
    vb_text t;
    vb_change *ch = NULL;
    size_t n = 0;
    vb_error e;
    VB_CHECK_INT(vb_normalize_explain(nz, in, strlen(in), &t, &ch, &n, &e), VB_OK);
    VB_CHECK_STR(t.text, "Độc lập - Tự do");
    VB_CHECK_INT(n, 3);
    if (n == 3) {
        VB_CHECK_STR(ch[0].before, "Doc");
        VB_CHECK_STR(ch[0].after, "Độc");
        VB_CHECK_INT(ch[0].offset, 0);
        VB_CHECK_STR(ch[2].before, "Tu");
        VB_CHECK_STR(ch[2].after, "Tự");
        VB_CHECK_INT(ch[2].in_offset, strlen("Doc lap - "));
        VB_CHECK_INT(ch[2].offset, strlen("Độc lập - "));
        VB_CHECK(strncmp(t.text + ch[1].offset, ch[1].after, strlen(ch[1].after)) == 0);
        VB_CHECK(ch[0].score > 0);
        VB_CHECK_STR(ch[0].why, "restore");
    }
    /* the fold key and its map describe the restored text */
    VB_CHECK_STR(t.fold, "doc lap - tu do");
    VB_CHECK_INT(vb_text_from_fold(&t, strlen("doc lap - ")), strlen("Độc lập - "));
    vb_changes_free(ch, n);
    vb_text_free(&t);
}

/* A restorer with a table (which: 'c' the confusions, 'n' the names) whose
 * third line is bad is not made; the error names the file and the line. */
static void check_bad_table(int which, const char *content, const char *message)
{
    const char *bad = "tests/normalize/bad-table.tsv.tmp";
    FILE *f = fopen(bad, "w");
    VB_CHECK(f != NULL);
    if (!f)
        return;
    fputs(content, f);
    fclose(f);
    vb_normalize_opts o = {0};
    o.restore = 1;
    if (which == 'c')
        o.confusions_path = bad;
    else
        o.names_path = bad;
    vb_normalize *nz = NULL;
    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_ERR_RULES);
    VB_CHECK(nz == NULL);
    VB_CHECK_STR(e.file, bad);
    VB_CHECK_INT(e.line, 3);
    VB_CHECK_STR(e.message, message);
    remove(bad);
}

static void test_errors(void)
{
    vb_normalize_opts o = {0};
    vb_normalize *nz = NULL;
    vb_error e;
    vb_error_clear(&e);
    o.restore = 1;
    o.model_path = "tests/normalize/no-such.lm";
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_ERR_INPUT);
    VB_CHECK_STR(e.file, "tests/normalize/no-such.lm");
    VB_CHECK_STR(e.message, "cannot open the language model: No such file or directory");
    VB_CHECK(nz == NULL);

    /* a file that is not a model */
    o.model_path = "tests/normalize/test_restore.c";
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_ERR_INPUT);
    VB_CHECK_STR(e.message, "not a vanban language model (bad magic)");

    /* restore == 0 and no model: clean-up only, no error */
    o.restore = 0;
    o.model_path = "tests/normalize/no-such.lm";
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_OK);
    VB_CHECK_STR(run(nz, "Doc lap"), "Doc lap");
    vb_normalize_destroy(&nz);

    /* a confusion table, a name lexicon with a bad line; a missing lexicon */
    check_bad_table('c', "# comment\n6\to\t0.3\tany\nctia\tcua\tcheap\n",
                    "expected FROM<TAB>TO<TAB>COST[<TAB>any|start|end|word] (1 bad lines, 1 good)");
    check_bad_table('n', "# comment\nsurname\tphan\t6\nfirst\ttân\t7\n",
                    "expected surname|middle|given|place-first|place-next|placename|unit"
                    "<TAB>TEXT<TAB>COUNT (1 bad lines)");
    o.restore = 1;
    o.model_path = NULL;
    o.names_path = "tests/normalize/no-such-names.tsv";
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_ERR_RULES);
    VB_CHECK_STR(e.file, "tests/normalize/no-such-names.tsv");
    VB_CHECK_STR(e.message, "cannot open the name lexicon: No such file or directory");
}

int main(void)
{
    vb_normalize *nz = make(VB_TONE_KEEP, NULL);
    VB_CHECK(nz != NULL);
    if (!nz)
        return vb_test_finish();
    test_seeds(nz);
    test_stripped(nz);
    test_do_no_harm(nz);
    test_case_and_rules(nz);
    test_names(nz);
    test_explain(nz);
    vb_normalize_destroy(&nz);
    test_tone_style();
    test_errors();
    return vb_test_finish();
}
