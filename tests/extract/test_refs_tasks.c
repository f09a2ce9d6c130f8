/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* References, tasks and targets (issue 4): canonical symbols and OCR repairs,
 * pairs that must stay apart, short forms, the legal basis, mention offsets;
 * the three task shapes with leads, partners and deadlines; targets. */
#include <stdlib.h>
#include <string.h>

#include "vb_test_extract.h"

static vb_normalize *nz;
static vb_extract *ex;

static const vb_reference *ref(const vb_record *rec, const char *symbol)
{
    for (size_t i = 0; i < rec->n_references; i++)
        if (rec->references[i].symbol && strcmp(rec->references[i].symbol, symbol) == 0)
            return &rec->references[i];
    fprintf(stderr, "no reference %s among:", symbol);
    for (size_t i = 0; i < rec->n_references; i++)
        fprintf(stderr, " %s", rec->references[i].symbol);
    fprintf(stderr, "\n");
    return NULL;
}

static const char *refs_text =
    "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an quy\n"
    "định khu dân cư đạt tiêu chuẩn “An toàn về an ninh, trật tự”; Nghị định số\n"
    "02/2020/ND- CP ngày 30/6/2020 của Chính phủ;\n"
    "\n"
    "Thực hiện Chỉ thị số 09-CT/TW ngày 01/12/2011 của Ban Bí thư về “Tăng cường sự\n"
    "lãnh đạo của Đảng”; Quyết định số 521/QD-TTg ngày 13/6/2005; Quyết định số 12/Qb-UBND;\n"
    "Hướng dẫn số 22/HD-BCA-V05, Hợp đồng số 22/HĐ-BCA-V05, Dự án số 3/DA-UBND,\n"
    "Đề án số 3/ĐA-UBND, Chỉ thị số 5/CT-UBND và Chương trình số 5/CIr-UBND.\n"
    "Theo Thông tư số 124 của Bộ Công an, Luật Căn cước số 26/2023/QH15.\n";

static void test_references(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex, refs_text, &t, &rec);
    const vb_reference *r = ref(&rec, "124/2021/TT-BCA");
    if (r) {
        VB_CHECK_STR(r->type, "TT");
        VB_CHECK_STR(r->type_name, "Thông tư");
        VB_CHECK_STR(r->number, "124");
        VB_CHECK_INT(r->year, 2021);
        VB_CHECK_STR(r->date, "2021-12-28");
        VB_CHECK_STR(r->issuer, "Bộ Công an");
        VB_CHECK_INT(r->role, VB_ROLE_CAN_CU);
        VB_CHECK_STR(r->title, NULL);   /* the quote is not after "về" */
        VB_CHECK_INT(r->n_mentions, 2); /* the short form resolves */
        if (r->n_mentions == 2) {
            const vb_mention *m = &r->mentions[0];
            VB_CHECK_STR(m->text, "Thông tư số 124/2021/TT-BCA");
            VB_CHECK_INT(m->page, 1);
            VB_CHECK(m->end <= t.len &&
                     strncmp(t.text + m->start, m->text, m->end - m->start) == 0);
            VB_CHECK_STR(r->mentions[1].text, "Thông tư số 124");
        }
    }
    r = ref(&rec, "02/2020/NĐ-CP"); /* "ND- CP" repaired */
    if (r) {
        VB_CHECK_STR(r->type, "NĐ");
        VB_CHECK_STR(r->issuer, "Chính phủ");
        VB_CHECK_INT(r->role, VB_ROLE_CAN_CU);
    }
    r = ref(&rec, "09-CT/TW");
    if (r) {
        VB_CHECK_INT(r->role, VB_ROLE_DAN_CHIEU);
        VB_CHECK_STR(r->issuer, "Ban Bí thư");
        VB_CHECK_STR(r->title, "Tăng cường sự lãnh đạo của Đảng");
    }
    r = ref(&rec, "521/QĐ-TTg");
    if (r)
        VB_CHECK_STR(r->issuer, "Thủ tướng Chính phủ");
    VB_CHECK(ref(&rec, "12/QĐ-UBND") != NULL);
    /* pairs that differ by Đ or case stay apart */
    VB_CHECK(ref(&rec, "22/HD-BCA-V05") != NULL);
    VB_CHECK(ref(&rec, "22/HĐ-BCA-V05") != NULL);
    VB_CHECK(ref(&rec, "3/DA-UBND") != NULL);
    VB_CHECK(ref(&rec, "3/ĐA-UBND") != NULL);
    VB_CHECK(ref(&rec, "5/CT-UBND") != NULL);
    r = ref(&rec, "5/CTr-UBND");
    if (r)
        VB_CHECK_STR(r->type_name, "Chương trình");
    r = ref(&rec, "26/2023/QH15");
    if (r) {
        VB_CHECK_STR(r->type_name, "Luật");
        VB_CHECK_STR(r->issuer, "Quốc hội");
    }
    VB_CHECK_INT(rec.n_references, 12);
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* English-model OCR: the fold key finds what the text does not. */
static void test_references_ocr(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(
        nz, ex,
        "Thyc hién Ké hoach sb: 71/KH-UBND ngay 04/03/2025 ctia UBND tinh; Chi thi $6\n"
        "28/CT-TTg ngay 30/6/2017 cua Thu tuéng; Nghi quyet s0 33-NQ/T U ciia Ban\n"
        "Thudng vu; Quyét dinh sé 521/QP-TTg ngay 13/6/2005; Quyét dinh s§ 77/QDTTg ngay\n"
        "30/11/2022.\n",
        &t, &rec);
    const vb_reference *r = ref(&rec, "71/KH-UBND");
    if (r) {
        VB_CHECK_STR(r->date, "2025-03-04");
        VB_CHECK_STR(r->issuer, "Ủy ban nhân dân tỉnh");
        VB_CHECK_STR(r->type_name, "Kế hoạch");
    }
    r = ref(&rec, "28/CT-TTg");
    if (r)
        VB_CHECK_STR(r->issuer, "Thủ tướng Chính phủ"); /* from the code */
    VB_CHECK(ref(&rec, "33-NQ/TU") != NULL);
    VB_CHECK(ref(&rec, "521/QĐ-TTg") != NULL);
    r = ref(&rec, "77/QĐ-TTg"); /* the lost dash put back */
    if (r)
        VB_CHECK_STR(r->date, "2022-11-30");
    VB_CHECK_INT(rec.n_references, 5);
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* From the English-model OCR seeds: "ngày" with its g misread, a joint
 * programme cited twice with two spellings of its code. */
static void test_references_ocr_seeds(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(
        nz, ex,
        "Chi thi s6 48-\nCT/TW noay 22/10/2010 cuia Bo Chinh tri khoa X vé ting "
        "cudng; Chuong trinh phoi hop s6\n5820/CTPH-CAT-MTTQ ngay 06/11/2025 gitta "
        "Cong an tinh va Mat tran; thuc hién Chương trình phối hợp số "
        "5820/CtrPH-CAT-MTTQ ngày 06/11/2025; Nghị quyết số 70- NQ/T W ngày "
        "20/8/2025; Quyết định số 521/Qb- -TTg ngày 13/6/2005 của Thủ tướng Chính "
        "phủ.\n",
        &t, &rec);
    const vb_reference *r = ref(&rec, "48-CT/TW");
    if (r) {
        VB_CHECK_STR(r->date, "2010-10-22");
        VB_CHECK_STR(r->issuer, "Bộ Chính trị");
    }
    r = ref(&rec, "5820/CTPH-CAT-MTTQ");
    if (r) {
        VB_CHECK_STR(r->type, "CTr");
        VB_CHECK_STR(r->type_name, "Chương trình phối hợp");
        VB_CHECK_STR(r->date, "2025-11-06");
        VB_CHECK_STR(r->issuer, NULL);
        VB_CHECK_INT(r->n_mentions, 2);
    }
    r = ref(&rec, "70-NQ/TW"); /* "T W" is TW */
    if (r)
        VB_CHECK_STR(r->date, "2025-08-20");
    r = ref(&rec, "521/QĐ-TTg"); /* the doubled dash goes */
    if (r) {
        VB_CHECK_STR(r->date, "2005-06-13");
        VB_CHECK_STR(r->issuer, "Thủ tướng Chính phủ");
    }
    VB_CHECK_INT(rec.n_references, 4);
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* Issuers: none for a joint document (several bodies' codes after the type,
 * or "giữa ..."), a unit code is not a body; a steering committee's whole name;
 * a number OCR split after "số". */
static void test_references_issuers(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(
        nz, ex,
        "Chương trình phối hợp số 07/CIr-BCA-MTTW ngày 17/10/2023 giữa Bộ Công\n"
        "an với Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam; Kế hoạch số\n"
        "7719/KH-CAT-BCH-SNN&MT ngày 24/10/2025 về phối hợp; Thông tư liên tịch số\n"
        "01/2012/TTLT-BNV-BTC của Bộ Nội vụ và Bộ Tài chính; Hướng dẫn số 19/HD-CAT-PV05\n"
        "ngày 05/3/2025; Quy chế phối hợp số 56/QCPH ngày 06/10/2025 giữa Công an tỉnh\n"
        "với Bộ Chỉ huy Quân sự tỉnh; Công văn số 3090/UBND-NC ngày 02/10/2025 của Ủy ban\n"
        "nhân dân tỉnh; Công văn số 664/BCH-NC ngày 28/3/2022 của Ban Chỉ đạo\n"
        "phòng chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ an\n"
        "ninh Tổ quốc tỉnh về việc triển khai thực hiện Quyết định số 5 10/Qb-\n"
        "BCA-V05 ngày 20/01/2022 của Bộ Công an, Ban Chỉ đạo 138 tỉnh.\n",
        &t, &rec);
    const vb_reference *r = ref(&rec, "07/CTr-BCA-MTTW");
    if (r) {
        VB_CHECK_STR(r->issuer, NULL);
        VB_CHECK_STR(r->date, "2023-10-17");
    }
    r = ref(&rec, "7719/KH-CAT-BCH-SNN&MT");
    if (r)
        VB_CHECK_STR(r->issuer, NULL);
    r = ref(&rec, "01/2012/TTLT-BNV-BTC"); /* not the first body named */
    if (r)
        VB_CHECK_STR(r->issuer, NULL);
    r = ref(&rec, "19/HD-CAT-PV05"); /* PV05: a unit of the Công an tỉnh */
    if (r)
        VB_CHECK_STR(r->issuer, "Công an tỉnh");
    r = ref(&rec, "56/QCPH");
    if (r) {
        VB_CHECK_STR(r->type, "QC");
        VB_CHECK_STR(r->issuer, NULL);
    }
    r = ref(&rec, "3090/UBND-NC"); /* a letter and its drafting unit */
    if (r)
        VB_CHECK_STR(r->issuer, "Ủy ban nhân dân tỉnh");
    r = ref(&rec, "664/BCH-NC");
    if (r)
        VB_CHECK_STR(r->issuer, "Ban Chỉ đạo phòng chống tội phạm, tệ nạn xã hội và xây dựng "
                                "phong trào toàn dân bảo vệ an ninh Tổ quốc tỉnh");
    r = ref(&rec, "510/QĐ-BCA-V05");
    if (r) {
        VB_CHECK_STR(r->date, "2022-01-20");
        VB_CHECK_STR(r->issuer, "Bộ Công an");
    }
    VB_CHECK_INT(rec.n_references, 8);
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* A list of citations without issuer takes the one of the phrase that names
 * the group: a footnote of as many documents as it counts, a list after a
 * colon; a count that does not fit names nobody. */
static void test_references_groups(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(
        nz, ex,
        "gắn với thực hiện thắng lợi 03 Nghị quyết “chuyên đề” của Bộ Chính trị3, các Chỉ\n"
        "thị của Ban Bí thư: Chỉ thị số 09-CT/TW ngày 01/12/2011, Chỉ thị số 32-CT/TW\n"
        "ngày 10/12/2024; 02 Kết luận của Ban Bí thư.\n"
        "\n"
        "3 Nghị quyết số 57-NQ/TW ngày 22/12/2024 về đột phá phát triển khoa học;\n"
        "Nghị quyết số 59-NQ/TW ngày 24/01/2025 về hội nhập quốc tế; Nghị quyết số 66-\n"
        "NQ/TW ngày 30/4/2025 về đổi mới công tác xây dựng và thi hành pháp luật.\n"
        "\n"
        "4 Kết luận số 44-KL/TW ngày 22/01/2019; Kết luận số 80-KL/TW ngày 20/6/2024;\n"
        "Kết luận số 99-KL/TW ngày 01/10/2024.\n",
        &t, &rec);
    static const char *const politburo[] = {"57-NQ/TW", "59-NQ/TW", "66-NQ/TW"};
    for (size_t i = 0; i < 3; i++) {
        const vb_reference *r = ref(&rec, politburo[i]);
        if (r)
            VB_CHECK_STR(r->issuer, "Bộ Chính trị");
    }
    const vb_reference *r = ref(&rec, "09-CT/TW");
    if (r)
        VB_CHECK_STR(r->issuer, "Ban Bí thư");
    r = ref(&rec, "32-CT/TW");
    if (r)
        VB_CHECK_STR(r->issuer, "Ban Bí thư");
    r = ref(&rec, "80-KL/TW"); /* "02 Kết luận" for a list of three */
    if (r)
        VB_CHECK_STR(r->issuer, NULL);
    VB_CHECK_INT(rec.n_references, 8);
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* OCR of the rendered scans (fixtures/scans): specks inside a symbol, a type
 * code one slip from the type word's; pairs that differ by Đ or case stay
 * apart, and a code the word does not fit is left as printed. */
static void test_references_scans(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(
        nz, ex,
        "Xét đề nghị của Công an tỉnh tại Tờ trình số 2318/TTTr-CAT-PV05 ngày\n"
        "03/11/2025; Tờ trình số 2319/TTT-CAT-PV05; quy định tại Thông tư số\n"
        "124/2021/T'T-BCA; Căn cứ Chỉ thị số 06/CT:BCA-V05 ngày 07/5/2025; Kết luận\n"
        "số 80:KL/TW ngày 20/6/2024; Căn cứ Quyết định số 06/QĐÐ- Ttg ngày 06/01/2022;\n"
        "Hợp đồng số 7/HD-UBND; Hướng dẫn số 8/HÐ-UBND; Chương trình số 9/CT-UBND;\n"
        "Tờ trình số 10/TTg; Chỉ thị số 11/CTrr-UBND; lúc 10:30 ngày 12/UBND:Về việc.\n"
        "Căn cứ Kế hoạch số 245/KH-DBND ngày 18/9/2025.\n"
        "-‹Căn cứ Thông tư số 15/2021/TT-BCA ¿ ngày 28/12/2021;\n",
        &t, &rec);
    const vb_reference *r = ref(&rec, "2318/TTr-CAT-PV05"); /* a doubled T */
    if (r) {
        VB_CHECK_STR(r->type, "TTr");
        VB_CHECK_STR(r->type_name, "Tờ trình");
        VB_CHECK_STR(r->number, "2318");
        VB_CHECK_STR(r->date, "2025-11-03");
        VB_CHECK_STR(r->issuer, "Công an tỉnh");
    }
    VB_CHECK(ref(&rec, "2319/TTr-CAT-PV05") != NULL); /* r read as T */
    r = ref(&rec, "124/2021/TT-BCA");                 /* the speck goes */
    if (r) {
        VB_CHECK_STR(r->type, "TT");
        VB_CHECK_INT(r->year, 2021);
        VB_CHECK_STR(r->mentions[0].text, "Thông tư số\n124/2021/T'T-BCA");
    }
    r = ref(&rec, "06/CT-BCA-V05"); /* a colon for the dash */
    if (r)
        VB_CHECK_STR(r->issuer, "Bộ Công an");
    VB_CHECK(ref(&rec, "80-KL/TW") != NULL);
    r = ref(&rec, "06/QĐ-TTg"); /* a doubled Đ */
    if (r)
        VB_CHECK_STR(r->date, "2022-01-06");
    /* the word does not decide between codes that differ by Đ or case */
    r = ref(&rec, "7/HD-UBND");
    if (r)
        VB_CHECK_STR(r->type, "HD");
    r = ref(&rec, "8/HÐ-UBND"); /* typed by the word, the symbol as printed */
    if (r)
        VB_CHECK_STR(r->type, "HD");
    r = ref(&rec, "9/CT-UBND");
    if (r)
        VB_CHECK_STR(r->type, "CT");
    VB_CHECK(ref(&rec, "10/TTg") != NULL);       /* an issuer code, not the type */
    VB_CHECK(ref(&rec, "11/CTrr-UBND") != NULL); /* two slips: left as printed */
    VB_CHECK(ref(&rec, "12/UBND") != NULL);
    VB_CHECK(ref(&rec, "245/KH-UBND") != NULL); /* rules/symbol-repairs.tsv */
    r = ref(&rec, "15/2021/TT-BCA");            /* specks before "Căn cứ" and "ngày" */
    if (r) {
        VB_CHECK_INT(r->role, VB_ROLE_CAN_CU);
        VB_CHECK_STR(r->date, "2021-12-28");
    }
    VB_CHECK_INT(rec.n_references, 14);
    vb_record_free(&rec);
    vb_text_free(&t);
}

static const char *tasks_text =
    "III. NHIỆM VỤ, GIẢI PHÁP\n"
    "\n"
    "1. Tổ chức quán triệt nội dung Kế hoạch (Sở Văn hóa, Thể thao và Du lịch chủ trì,\n"
    "phối hợp với Công an tỉnh, Báo và Phát thanh, Truyền hình Hưng Yên; thực hiện xong\n"
    "trong quý I/2026).\n"
    "\n"
    "2. Rà soát địa bàn (Công an tỉnh chủ trì, phối hợp với Sở Nội vụ, Sở Giáo\n"
    "dục và Đào tạo; hoàn thành trước ngày 31/01/2026).\n"
    "\n"
    "3. Bảo đảm kinh phí (Sở Tài chính chủ trì, tham mưu Ủy ban nhân dân tỉnh).\n"
    "\n"
    "IV. TỔ CHỨC THỰC HIỆN\n"
    "\n"
    "1. Công an tỉnh\n"
    "\n"
    "- Là cơ quan thường trực, chủ trì, phối hợp với các sở, ban, ngành tham mưu\n"
    "Ủy ban nhân dân tỉnh tổ chức thực hiện Kế hoạch.\n"
    "\n"
    "- Tổng hợp kết quả, báo cáo trước ngày 20/12/2026.\n"
    "\n"
    "2. Sở Nội vụ\n"
    "\n"
    "Phối hợp với Công an tỉnh đưa kết quả vào tiêu chí thi đua hằng năm.\n"
    "\n"
    "3. Giao Công an tỉnh chủ trì theo dõi thường xuyên việc thực hiện.\n"
    "\n"
    "- Đề nghị Ủy ban MTTQ Việt Nam tỉnh tuyên truyền trong 6 tháng đầu năm 2026.\n"
    "\n"
    "Nơi nhận:\n"
    "- Lưu: VT.\n";

static void check_deadline(const vb_task *k, vb_deadline_kind kind, const char *start,
                           const char *end, const char *text)
{
    VB_CHECK_INT(k->deadline.kind, kind);
    VB_CHECK_STR(k->deadline.start, start);
    VB_CHECK_STR(k->deadline.end, end);
    VB_CHECK_STR(k->deadline.text, text);
}

static void test_tasks(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex, tasks_text, &t, &rec);
    VB_CHECK_INT(rec.n_tasks, 8);
    if (rec.n_tasks != 8) {
        for (size_t i = 0; i < rec.n_tasks; i++)
            fprintf(stderr, "  task %zu: %s | %s\n", i, rec.tasks[i].lead, rec.tasks[i].text);
        goto done;
    }
    const vb_task *k = &rec.tasks[0];
    VB_CHECK_STR(k->text, "Tổ chức quán triệt nội dung Kế hoạch");
    VB_CHECK_STR(k->lead, "Sở Văn hóa, Thể thao và Du lịch");
    VB_CHECK_INT(k->n_partners, 2);
    if (k->n_partners == 2) {
        VB_CHECK_STR(k->partners[0], "Công an tỉnh");
        VB_CHECK_STR(k->partners[1], "Báo và Phát thanh, Truyền hình Hưng Yên");
    }
    check_deadline(k, VB_DEADLINE_QUARTER, "2026-01-01", "2026-03-31", "quý I/2026");
    k = &rec.tasks[1];
    VB_CHECK_STR(k->lead, "Công an tỉnh");
    VB_CHECK_INT(k->n_partners, 2);
    check_deadline(k, VB_DEADLINE_BEFORE, NULL, "2026-01-31", "trước ngày 31/01/2026");
    k = &rec.tasks[2];
    VB_CHECK_STR(k->lead, "Sở Tài chính");
    VB_CHECK_INT(k->n_partners, 0);
    VB_CHECK_INT(k->deadline.kind, VB_DEADLINE_NONE);
    k = &rec.tasks[3];
    VB_CHECK_STR(k->lead, "Công an tỉnh");
    VB_CHECK_INT(k->n_partners, 1); /* "tham mưu Ủy ban nhân dân tỉnh" is no partner */
    if (k->n_partners == 1)
        VB_CHECK_STR(k->partners[0], "Các sở, ban, ngành");
    check_deadline(&rec.tasks[4], VB_DEADLINE_BEFORE, NULL, "2026-12-20", "trước ngày 20/12/2026");
    k = &rec.tasks[5];
    VB_CHECK_STR(k->lead, "Sở Nội vụ");
    VB_CHECK_INT(k->deadline.kind, VB_DEADLINE_RECURRING);
    k = &rec.tasks[6];
    VB_CHECK_STR(k->lead, "Công an tỉnh");
    VB_CHECK_INT(k->deadline.kind, VB_DEADLINE_ONGOING);
    k = &rec.tasks[7];
    VB_CHECK_STR(k->lead, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh");
    check_deadline(k, VB_DEADLINE_HALF, "2026-01-01", "2026-06-30", "6 tháng đầu năm 2026");
done:
    vb_record_free(&rec);
    vb_text_free(&t);
}

static void test_targets(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(
        nz, ex,
        "II. CHỈ TIÊU\n\n"
        "1. Phấn đấu đến cuối năm 2026 có từ 90% khu dân cư, 85% xã, phường đạt tiêu chuẩn.\n"
        "2. Mỗi xã xây dựng ít nhất 01 mô hình tự quản; 100% lực lượng được tập huấn hằng "
        "năm.\n",
        &t, &rec);
    VB_CHECK_INT(rec.n_targets, 4);
    if (rec.n_targets == 4) {
        const vb_target *g = &rec.targets[0];
        VB_CHECK(g->value == 90);
        VB_CHECK_STR(g->unit, "%");
        VB_CHECK_INT(g->comparator, VB_CMP_AT_LEAST);
        VB_CHECK_STR(g->subject, "khu dân cư");
        VB_CHECK_INT(g->by_year, 2026);
        VB_CHECK_INT(g->recurring, 0);
        VB_CHECK_STR(g->sentence, "1. Phấn đấu đến cuối năm 2026 có từ 90% khu dân cư, 85% xã, "
                                  "phường đạt tiêu chuẩn");
        g = &rec.targets[1];
        VB_CHECK(g->value == 85);
        VB_CHECK_INT(g->comparator, VB_CMP_AT_LEAST); /* listed after "từ 90%" */
        VB_CHECK_STR(g->subject, "xã, phường");
        g = &rec.targets[2];
        VB_CHECK(g->value == 100);
        VB_CHECK_INT(g->comparator, VB_CMP_EXACTLY);
        VB_CHECK_INT(g->recurring, 1);
        g = &rec.targets[3];
        VB_CHECK(g->value == 1);
        VB_CHECK_STR(g->unit, "mô hình");
        VB_CHECK_INT(g->comparator, VB_CMP_AT_LEAST);
        VB_CHECK_STR(g->subject, "mô hình tự quản");
    }
    vb_record_free(&rec);
    vb_text_free(&t);

    /* speckled OCR: a full stop before a lower-case word does not end the
     * sentence, a ring on the leading zero of a count is that zero, a value
     * whose digit is lost ("!00%") is no target */
    vb_test_extract_text(nz, ex,
                         "II. CHỈ TIÊU\n\n"
                         "1. 100% cán bộ. công chức được tuyên truyền.\n"
                         "2. Mỗi xã xây dựng ít nhất Q1 mô hình tự quản; !00% lực lượng được "
                         "tập huấn.\n",
                         &t, &rec);
    VB_CHECK_INT(rec.n_targets, 2);
    if (rec.n_targets == 2) {
        VB_CHECK(rec.targets[0].value == 100);
        VB_CHECK_STR(rec.targets[0].sentence, "1. 100% cán bộ. công chức được tuyên truyền");
        VB_CHECK(rec.targets[1].value == 1);
        VB_CHECK_STR(rec.targets[1].unit, "mô hình");
    }
    int warned = 0;
    for (size_t i = 0; i < rec.n_warnings; i++)
        warned |= strcmp(rec.warnings[i], "targets: count 'Q1' read as 01") == 0;
    VB_CHECK(warned);
    vb_record_free(&rec);
    vb_text_free(&t);
}

int main(void)
{
    if (!vb_test_extract_open(&nz, &ex))
        return 1;
    test_references();
    test_references_ocr();
    test_references_ocr_seeds();
    test_references_issuers();
    test_references_groups();
    test_references_scans();
    test_tasks();
    test_targets();
    return vb_test_extract_close(&nz, &ex);
}
