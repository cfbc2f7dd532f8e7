/* Loops over pdfium calls that the PDF parser makes per word and per page object.
 *
 * From Python each pdfium call through ctypes costs about a microsecond, and the
 * parser makes several per word: this file makes them in C, one ctypes call per
 * page. It is loaded with ctypes (pipeline/parsers/pdfium_batch.py), and pdfium's
 * functions are passed in as pointers taken from pypdfium2, so it needs neither
 * pdfium's headers nor linking against it. pdfium_batch.py has the same loops in
 * Python, giving identical results, for an install without a compiler.
 */

typedef struct { float a, b, c, d, e, f; } matrix_t; /* pdfium's FS_MATRIX */

typedef int (*count_rects_t)(void *, int, int);
typedef int (*get_rect_t)(void *, int, double *, double *, double *, double *);
typedef void *(*get_text_object_t)(void *, int);

/* Word i is chars [starts[i], ends[i]) of the text page. Writes the union of
 * pdfium's rectangles for it (left, top, right, bottom, in PDF space) to
 * boxes[4i..4i+3], how many rectangles there were to counts[i] (0: no box), and
 * the text object of its first char to objects[i]. */
void word_rects(void *textpage, count_rects_t count_rects, get_rect_t get_rect, get_text_object_t get_text_object,
                int n, const int *starts, const int *ends, double *boxes, int *counts, void **objects) {
    double l = 0, t = 0, r = 0, b = 0;
    for (int i = 0; i < n; i++) {
        int rects = count_rects(textpage, starts[i], ends[i] - starts[i]);
        counts[i] = rects;
        objects[i] = get_text_object(textpage, starts[i]);
        if (!rects) /* as the Python loop: pdfium gives no negative count, but the two must agree */
            continue;
        get_rect(textpage, 0, &l, &t, &r, &b);
        double x0 = l, y0 = t, x1 = r, y1 = b;
        for (int j = 1; j < rects; j++) {
            get_rect(textpage, j, &l, &t, &r, &b);
            /* as Python's min and max: keep the first operand unless the second is beyond it */
            x0 = l < x0 ? l : x0;
            y0 = t > y0 ? t : y0;
            x1 = r > x1 ? r : x1;
            y1 = b < y1 ? b : y1;
        }
        double *box = boxes + 4 * i;
        box[0] = x0, box[1] = y0, box[2] = x1, box[3] = y1;
    }
}

typedef int (*get_int_t)(void *);
typedef int (*get_colour_t)(void *, unsigned *, unsigned *, unsigned *, unsigned *);
typedef int (*get_font_size_t)(void *, float *);
typedef int (*get_matrix_t)(void *, matrix_t *);
typedef int (*get_bounds_t)(void *, float *, float *, float *, float *);

/* What each text object says of itself. Per object i: its render mode; whether its
 * colour was read (stroke colour for stroke-only modes 1 and 5, else fill) and
 * rgba[4i..]; its font size; whether its matrix was read and the matrix's a, b, c, d
 * at abcd[4i..]; whether its bounds were read and left, bottom, right, top at
 * bounds[4i..]. ok[3i..3i+2] holds the three flags. */
void text_objects(int n, void *const *objects, get_int_t get_render_mode, get_colour_t get_fill, get_colour_t get_stroke,
                  get_font_size_t get_font_size, get_matrix_t get_matrix, get_bounds_t get_bounds,
                  int *modes, int *ok, unsigned *rgba, float *sizes, float *abcd, float *bounds) {
    for (int i = 0; i < n; i++) {
        void *obj = objects[i];
        int mode = get_render_mode(obj);
        unsigned *c = rgba + 4 * i;
        float *m = abcd + 4 * i, *box = bounds + 4 * i;
        modes[i] = mode;
        ok[3 * i] = (mode == 1 || mode == 5 ? get_stroke : get_fill)(obj, c, c + 1, c + 2, c + 3);
        sizes[i] = 0;
        get_font_size(obj, sizes + i);
        matrix_t matrix = {0, 0, 0, 0, 0, 0};
        ok[3 * i + 1] = get_matrix(obj, &matrix);
        m[0] = matrix.a, m[1] = matrix.b, m[2] = matrix.c, m[3] = matrix.d;
        ok[3 * i + 2] = get_bounds(obj, box, box + 1, box + 2, box + 3);
    }
}

typedef void *(*get_object_t)(void *, int);

/* The page's n top-level objects in paint order, and the type of each. */
void page_objects(void *page, get_object_t get_object, get_int_t get_type, int n, void **objects, int *types) {
    for (int i = 0; i < n; i++) {
        objects[i] = get_object(page, i);
        types[i] = get_type(objects[i]);
    }
}
