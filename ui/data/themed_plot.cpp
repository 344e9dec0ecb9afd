#include "data/themed_plot.h"

ThemedPlot::ThemedPlot(QWidget* parent) : QCustomPlot(parent)
{
    setMinimumHeight(160);
    applyPalette();
}

QColor ThemedPlot::barColor() const { return palette().color(QPalette::Highlight); }

QColor ThemedPlot::secondaryBarColor() const
{
    // Between text and base: visible on either theme, clearly not the main series.
    const QColor a = palette().color(QPalette::Text), b = palette().color(QPalette::Base);
    return QColor((a.red() + b.red()) / 2, (a.green() + b.green()) / 2, (a.blue() + b.blue()) / 2);
}

void ThemedPlot::setEmptyMessage(const QString& message)
{
    const bool wasEmpty = !emptyMessage().isEmpty();
    const bool empty = !message.isEmpty();
    if (!emptyText_) {
        emptyText_ = new QCPItemText(this);
        emptyText_->position->setType(QCPItemPosition::ptAxisRectRatio);
        emptyText_->position->setCoords(0.5, 0.5);
        emptyText_->setPositionAlignment(Qt::AlignCenter);
        emptyText_->setTextAlignment(Qt::AlignCenter);
        emptyText_->setClipToAxisRect(false);
        emptyText_->setColor(palette().color(QPalette::PlaceholderText));
    }
    if (empty && !wasEmpty) {
        legendShown_ = legend->visible();
        legend->setVisible(false);
    } else if (!empty && wasEmpty) {
        legend->setVisible(legendShown_);
    }
    emptyText_->setText(message);
    emptyText_->setVisible(empty);
    xAxis->setVisible(!empty);
    yAxis->setVisible(!empty);
}

QString ThemedPlot::emptyMessage() const { return emptyText_ && emptyText_->visible() ? emptyText_->text() : QString(); }

void ThemedPlot::changeEvent(QEvent* event)
{
    QCustomPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyPalette();
        paletteChanged();
        replot();
    }
}

void ThemedPlot::applyPalette()
{
    const QPalette p = palette();
    const QColor text = p.color(QPalette::Text);
    QColor grid = text;
    grid.setAlpha(40);
    setBackground(p.brush(QPalette::Base));
    for (QCPAxis* axis : {xAxis, yAxis, xAxis2, yAxis2}) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    legend->setBrush(p.brush(QPalette::Base));
    legend->setTextColor(text);
    legend->setBorderPen(QPen(grid));
    if (emptyText_)
        emptyText_->setColor(p.color(QPalette::PlaceholderText));
}
