#include "tryit/adapter_scale_slider.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QSlider>

#include <cmath>

namespace {
constexpr int kStepsPerUnit = 20;  // 0.05 per step
constexpr const char* kSettingsKey = "tryit/adapterScale";
}  // namespace

AdapterScaleSlider::AdapterScaleSlider(QWidget* parent)
    : QWidget(parent), slider_(new QSlider(Qt::Horizontal)), label_(new QLabel)
{
    slider_->setObjectName("adapterScale");
    slider_->setRange(0, 2 * kStepsPerUnit);
    slider_->setPageStep(kStepsPerUnit / 4);
    const QString tip =
        tr("<b>Adapter scale</b> multiplies the LoRA update at generation: the adapter pane computes "
           "W·x + <i>scale</i>·s·B·A·x. 0 gives the base model's answer, 1 the adapter as trained, values in "
           "between blend the two, above 1 exaggerates what the adapter learned (often until the text breaks). "
           "The base pane is never scaled.");
    slider_->setToolTip(tip);
    label_->setToolTip(tip);
    label_->setMinimumWidth(label_->fontMetrics().horizontalAdvance(QStringLiteral("×0.00")));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(slider_, 1);
    row->addWidget(label_);
    setValue(QSettings().value(kSettingsKey, 1.0).toDouble());
    label_->setText(QStringLiteral("×%1").arg(value(), 0, 'f', 2));
    connect(slider_, &QSlider::valueChanged, this, [this](int) {
        label_->setText(QStringLiteral("×%1").arg(value(), 0, 'f', 2));
        QSettings().setValue(kSettingsKey, value());
        Q_EMIT valueChanged(value());
    });
}

double AdapterScaleSlider::value() const { return double(slider_->value()) / kStepsPerUnit; }

void AdapterScaleSlider::setValue(double scale)
{
    slider_->setValue(int(std::lround(scale * kStepsPerUnit)));
}
