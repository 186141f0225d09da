// SPDX-License-Identifier: MIT
int labelled();
