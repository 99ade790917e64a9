/**
 * Built-in architectures: the four MLPerf Tiny reference models and two small
 * models for 28×28×1 inputs. Convolutions that feed a batch norm carry no bias
 * (the BN's shift becomes the bias when folded).
 *
 * Published parameter counts (22,606 / 77,708 / 210,852 / 265,864) are counted
 * from the int8 .tflite files: BN folded into weights and biases, plus the
 * 2-element int32 shape tensor of the RESHAPE op that three of them end with.
 * `countModel(...).paramsFolded` gives the first part; see test/ir/presets.test.ts.
 */
import type { Layer, ModelInput } from './schema.js';

type L = Record<string, unknown> & { type: Layer['type']; name: string };

const convBnRelu = (name: string, filters: number, kernel: number | [number, number], stride = 1, act: 'relu' | 'relu6' = 'relu'): L[] => [
  { name, type: 'conv2d', filters, kernel, stride, padding: 'same', useBias: false },
  { name: `${name}_bn`, type: 'batch_norm' },
  { name: `${name}_${act}`, type: act },
];

const dwSep = (name: string, filters: number, stride = 1): L[] => [
  { name: `${name}_dw`, type: 'depthwise_conv2d', kernel: 3, stride, padding: 'same', useBias: false },
  { name: `${name}_dw_bn`, type: 'batch_norm' },
  { name: `${name}_dw_relu`, type: 'relu' },
  ...convBnRelu(`${name}_pw`, filters, 1),
];

function dsCnn(): ModelInput {
  const layers: L[] = [...convBnRelu('conv1', 64, [10, 4], 2), { name: 'drop1', type: 'dropout', rate: 0.2 }];
  for (let i = 1; i <= 4; i++) layers.push(...dwSep(`block${i}`, 64));
  layers.push(
    { name: 'drop2', type: 'dropout', rate: 0.4 },
    { name: 'pool', type: 'avg_pool', pool: [25, 5] },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc', type: 'dense', units: 12 },
    { name: 'softmax', type: 'softmax' },
  );
  return { name: 'ds-cnn', input: { shape: [49, 10, 1] }, layers: layers as Layer[] };
}

function resnet8(): ModelInput {
  const layers: L[] = [...convBnRelu('conv1', 16, 3)];
  let prev = 'conv1_relu';
  const stack = (s: number, filters: number, stride: number) => {
    const n = `stack${s}`;
    layers.push(
      ...convBnRelu(`${n}_conv1`, filters, 3, stride).map((l, i) => (i === 0 ? { ...l, inputs: [prev] } : l)),
      { name: `${n}_conv2`, type: 'conv2d', filters, kernel: 3, padding: 'same', useBias: false },
      { name: `${n}_conv2_bn`, type: 'batch_norm' },
    );
    let shortcut = prev;
    if (stride !== 1) {
      layers.push({ name: `${n}_shortcut`, type: 'conv2d', filters, kernel: 1, stride, padding: 'same', inputs: [prev] });
      shortcut = `${n}_shortcut`;
    }
    layers.push(
      { name: `${n}_add`, type: 'add', inputs: [`${n}_conv2_bn`, shortcut] },
      { name: `${n}_relu`, type: 'relu' },
    );
    prev = `${n}_relu`;
  };
  stack(1, 16, 1);
  stack(2, 32, 2);
  stack(3, 64, 2);
  layers.push(
    { name: 'pool', type: 'avg_pool', pool: 8 },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc', type: 'dense', units: 10 },
    { name: 'softmax', type: 'softmax' },
  );
  return { name: 'resnet8', input: { shape: [32, 32, 3] }, layers: layers as Layer[] };
}

function mobilenetV1_025(): ModelInput {
  const layers: L[] = [...convBnRelu('conv1', 8, 3, 2)];
  const blocks: [number, number][] = [
    [16, 1], [32, 2], [32, 1], [64, 2], [64, 1], [128, 2],
    [128, 1], [128, 1], [128, 1], [128, 1], [128, 1], [256, 2], [256, 1],
  ];
  blocks.forEach(([f, s], i) => layers.push(...dwSep(`block${i + 1}`, f, s)));
  layers.push(
    { name: 'pool', type: 'avg_pool', pool: 3 },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc', type: 'dense', units: 2 },
    { name: 'softmax', type: 'softmax' },
  );
  return { name: 'mobilenet-v1-0.25', input: { shape: [96, 96, 3] }, layers: layers as Layer[] };
}

function aeFc(): ModelInput {
  const layers: L[] = [];
  const block = (name: string, units: number) => layers.push(
    { name, type: 'dense', units },
    { name: `${name}_bn`, type: 'batch_norm' },
    { name: `${name}_relu`, type: 'relu' },
  );
  for (let i = 1; i <= 4; i++) block(`enc${i}`, 128);
  block('bottleneck', 8);
  for (let i = 1; i <= 4; i++) block(`dec${i}`, 128);
  layers.push({ name: 'out', type: 'dense', units: 640 });
  return { name: 'ae-fc', input: { shape: [640] }, layers: layers as Layer[] };
}

function cnnSmall(): ModelInput {
  return {
    name: 'cnn-small',
    input: { shape: [28, 28, 1] },
    layers: [
      ...convBnRelu('conv1', 16, 3),
      { name: 'pool1', type: 'max_pool', pool: 2 },
      ...convBnRelu('conv2', 32, 3),
      { name: 'pool2', type: 'max_pool', pool: 2 },
      ...convBnRelu('conv3', 32, 3),
      { name: 'flatten', type: 'flatten' },
      { name: 'drop', type: 'dropout', rate: 0.25 },
      { name: 'fc', type: 'dense', units: 10 },
      { name: 'softmax', type: 'softmax' },
    ] as Layer[],
  };
}

function mlpSmall(): ModelInput {
  return {
    name: 'mlp-small',
    input: { shape: [28, 28, 1] },
    layers: [
      { name: 'flatten', type: 'flatten' },
      { name: 'fc1', type: 'dense', units: 128 },
      { name: 'fc1_relu', type: 'relu' },
      { name: 'fc2', type: 'dense', units: 64 },
      { name: 'fc2_relu', type: 'relu' },
      { name: 'fc3', type: 'dense', units: 10 },
      { name: 'softmax', type: 'softmax' },
    ],
  };
}

export interface Preset {
  readonly name: string;
  readonly description: string;
  readonly build: () => ModelInput;
}

export const PRESETS: readonly Preset[] = [
  { name: 'ds-cnn', description: 'MLPerf Tiny keyword spotting DS-CNN (49×10 MFCC, 12 classes)', build: dsCnn },
  { name: 'resnet8', description: 'MLPerf Tiny image classification ResNet-8 (CIFAR-10)', build: resnet8 },
  { name: 'mobilenet-v1-0.25', description: 'MLPerf Tiny visual wake words MobileNetV1 0.25 (96×96×3, 2 classes)', build: mobilenetV1_025 },
  { name: 'ae-fc', description: 'MLPerf Tiny anomaly detection autoencoder (640-128×4-8-128×4-640)', build: aeFc },
  { name: 'cnn-small', description: 'small CNN for 28×28×1 inputs, 10 classes', build: cnnSmall },
  { name: 'mlp-small', description: 'small MLP for 28×28×1 inputs, 10 classes', build: mlpSmall },
];

export const presetNames = (): string[] => PRESETS.map((p) => p.name);
export const findPreset = (name: string): Preset | undefined => PRESETS.find((p) => p.name === name);
