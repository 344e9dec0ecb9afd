#include "adapter/factorization_view.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace {

QString n(int64_t v) { return QLocale().toString(static_cast<qlonglong>(v)); }

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

// The smallest a rank-sized side is drawn: r is often 1/500 of d, which would be invisible to scale.
constexpr double kMinSide = 5.0;

}  // namespace

FactorizationView::FactorizationView(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("LoRA keeps the pretrained weight W frozen and learns its change as the product of two thin "
                  "matrices, ΔW = B·A. Only B and A are trained, so the rank r decides the cost."));
    clearModule(tr("Select a cell of the grid to see its matrices."));
}

void FactorizationView::setModule(const Module& module)
{
    module_ = module;
    has_ = true;
    setAccessibleDescription(explanation().join(' '));
    update();
}

void FactorizationView::clearModule(const QString& why)
{
    module_ = {};
    has_ = false;
    placeholder_ = why;
    setAccessibleDescription(why);
    update();
}

QStringList FactorizationView::explanation() const
{
    if (!has_)
        return {placeholder_};
    const auto& m = module_;
    const double ratio = loraParameters() > 0 ? double(fullParameters()) / double(loraParameters()) : 0;
    const double percent = fullParameters() > 0 ? 100.0 * double(loraParameters()) / double(fullParameters()) : 0;
    QStringList lines;
    lines << tr("Full fine-tuning trains all of W: d·k = %1 × %2 = %3 parameters.").arg(n(m.d), n(m.k),
                                                                                      n(fullParameters()));
    lines << tr("LoRA trains B and A instead: (d + k)·r = (%1 + %2) × %3 = %4 parameters — %5× fewer (%6 %).")
                 .arg(n(m.d), n(m.k), QString::number(m.r), n(loraParameters()),
                      QLocale().toString(ratio, 'f', ratio >= 100 ? 0 : 1), QLocale().toString(percent, 'f', 2));
    lines << tr("The layer computes h = W·x + %1·B·A·x with %1 = %2; B starts at zero, so training starts from "
                "the unchanged model.")
                 .arg(m.rslora ? QStringLiteral("α/√r") : QStringLiteral("α/r"), QLocale().toString(m.scaling, 'g', 4));
    return lines;
}

void FactorizationView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::WindowText);
    const QColor base = pal.color(QPalette::Base);
    const QColor accent = pal.color(QPalette::Highlight);
    p.fillRect(rect(), base);
    const QFontMetrics fm(font());

    if (!has_) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
        return;
    }
    const auto& m = module_;
    const QRect area = rect().adjusted(14, 10, -14, -10);

    // Title: which module, and whether it is adapted.
    QFont titleFont = font();
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.setPen(text);
    const QString status = m.adapted ? tr("adapted, rank %1").arg(m.r) : tr("not adapted (tick it to train it)");
    const QRect titleRect(area.left(), area.top(), area.width(), fm.height() + 4);
    p.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(titleFont).elidedText(m.name + "  —  " + status, Qt::ElideMiddle, area.width()));
    p.setFont(font());

    // Footer: the numbers, as sentences, wrapped (never elided: the saving is the point). The saving in bold.
    const QStringList lines = explanation();
    QFont strong = font();
    strong.setBold(true);
    auto lineFont = [&](qsizetype i) { return i == 1 ? strong : font(); };
    auto lineRect = [&](qsizetype i) {
        return QFontMetrics(lineFont(i)).boundingRect(QRect(0, 0, area.width(), 1000), Qt::TextWordWrap, lines[i]);
    };
    int footerHeight = 8;
    for (qsizetype i = 0; i < lines.size(); ++i)
        footerHeight += lineRect(i).height() + 2;
    const QRect footer(area.left(), area.bottom() - footerHeight + 1, area.width(), footerHeight);
    p.setPen(text);
    int y = footer.top() + 6;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int h = lineRect(i).height();
        p.setFont(lineFont(i));
        p.drawText(QRect(footer.left(), y, footer.width(), h), Qt::AlignLeft | Qt::TextWordWrap, lines[i]);
        y += h + 2;
    }
    p.setFont(font());

    // Diagram: W  +  B × A, all three to one scale. Space around the matrices holds dimension labels.
    const QString dLabel = tr("d = %1").arg(n(m.d));
    const int labelGap = 6;
    const int leftLabel = fm.horizontalAdvance(dLabel) + labelGap;
    const int topLabel = fm.height() + 4;
    const int bottomLabel = 2 * fm.lineSpacing() + 4;
    const QRect diagram(area.left() + leftLabel, titleRect.bottom() + 8 + topLabel, area.width() - leftLabel,
                        footer.top() - titleRect.bottom() - 16 - topLabel - bottomLabel);
    if (diagram.height() < 20 || diagram.width() < 60)
        return;
    QFont opFont = font();
    opFont.setPointSizeF(font().pointSizeF() * 1.6);
    const int opWidth = QFontMetrics(opFont).horizontalAdvance(QStringLiteral(" + ")) + 70;  // room for B's caption
    const double scale = std::min((diagram.width() - 2.0 * opWidth) / double(2 * m.k + m.r), diagram.height() / double(m.d));
    const double wWidth = m.k * scale, wHeight = m.d * scale, rSide = std::max(kMinSide, m.r * scale);
    const double totalWidth = 2 * wWidth + rSide + 2 * opWidth;
    const double x0 = diagram.left() + std::max(0.0, (diagram.width() - totalWidth) / 2);
    const double top = diagram.top() + (diagram.height() - wHeight) / 2;
    const double middle = top + wHeight / 2;

    const QRectF w(x0, top, wWidth, wHeight);
    const QRectF b(w.right() + opWidth, top, rSide, wHeight);
    const QRectF a(b.right() + opWidth, middle - rSide / 2, wWidth, rSide);

    // Frozen W in a neutral tone; trainable B and A in the highlight colour (dashed when not adapted).
    const QColor frozenFill = mix(base, text, 0.16);
    QColor trainFill = accent;
    trainFill.setAlpha(m.adapted ? 220 : 70);
    p.setPen(QPen(mix(base, text, 0.55), 1));
    p.setBrush(frozenFill);
    p.drawRect(w);
    p.setPen(QPen(accent.darker(115), 1.2, m.adapted ? Qt::SolidLine : Qt::DashLine));
    p.setBrush(trainFill);
    p.drawRect(b);
    p.drawRect(a);

    // Names inside the matrices that can hold one; the captions below name all three anyway.
    QFont nameFont = font();
    nameFont.setBold(true);
    nameFont.setPointSizeF(font().pointSizeF() * 1.5);
    p.setFont(nameFont);
    const QFontMetrics nfm(nameFont);
    auto nameIn = [&](const QRectF& r, const QString& name, const QColor& color) {
        if (r.width() >= nfm.horizontalAdvance(name) + 6 && r.height() >= nfm.height() + 2) {
            p.setPen(color);
            p.drawText(r, Qt::AlignCenter, name);
        }
    };
    const QColor onAccent = m.adapted ? pal.color(QPalette::HighlightedText) : text;
    nameIn(w, QStringLiteral("W"), text);
    nameIn(b, QStringLiteral("B"), onAccent);
    nameIn(a, QStringLiteral("A"), onAccent);

    // Operators between the matrices.
    p.setFont(opFont);
    p.setPen(text);
    p.drawText(QRectF(w.right(), middle - 20, opWidth, 40), Qt::AlignCenter, QStringLiteral("+"));
    p.drawText(QRectF(b.right(), middle - 20, opWidth, 40), Qt::AlignCenter, QStringLiteral("×"));
    p.setFont(font());

    // Dimensions: k across the top of W and A, d down the left of W, r across B and down A.
    const QColor dim = mix(base, text, 0.75);
    p.setPen(dim);
    auto above = [&](const QRectF& r, const QString& s) {
        p.drawText(QRectF(r.center().x() - 100, r.top() - fm.height() - 3, 200, fm.height()), Qt::AlignCenter, s);
    };
    above(w, tr("k = %1").arg(n(m.k)));
    above(b, tr("r = %1").arg(m.r));
    above(a, tr("k = %1").arg(n(m.k)));
    p.drawText(QRectF(w.left() - leftLabel, middle - fm.height() / 2.0, leftLabel - labelGap, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, dLabel);

    // Captions under each matrix: its shape and its role.
    QFont boldFont = font();
    boldFont.setBold(true);
    auto below = [&](const QRectF& r, const QString& name, const QString& shape, const QString& role) {
        const double yb = std::max(r.bottom(), w.bottom()) + 4;
        const double width = std::max(r.width(), 150.0);
        const QRectF line(r.center().x() - width / 2, yb, width, fm.lineSpacing());
        // "B  d × r = 64 × 8": the name in bold, then the shape, centred together under the matrix.
        const QFontMetrics bfm(boldFont);
        const double nameWidth = bfm.horizontalAdvance(name + ' ');
        const double total = nameWidth + fm.horizontalAdvance(shape);
        const double x = line.center().x() - total / 2;
        p.setFont(boldFont);
        p.setPen(text);
        p.drawText(QRectF(x, yb, nameWidth, fm.lineSpacing()), Qt::AlignLeft | Qt::AlignVCenter, name + ' ');
        p.setFont(font());
        p.drawText(QRectF(x + nameWidth, yb, total - nameWidth + 2, fm.lineSpacing()), Qt::AlignLeft | Qt::AlignVCenter,
                   shape);
        p.setPen(dim);
        p.drawText(QRectF(r.center().x() - width / 2, yb + fm.lineSpacing(), width, fm.lineSpacing()), Qt::AlignCenter,
                   role);
    };
    below(w, QStringLiteral("W"), tr("d × k = %1 × %2").arg(n(m.d), n(m.k)), tr("frozen"));
    below(b, QStringLiteral("B"), tr("d × r = %1 × %2").arg(n(m.d)).arg(m.r), tr("trained, starts at 0"));
    below(a, QStringLiteral("A"), tr("r × k = %1 × %2").arg(m.r).arg(n(m.k)), tr("trained"));
}
